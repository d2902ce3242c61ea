printf 'this is not a token stream\n' > g.tok
train --data g.tok --model gpt-tiny --steps 1
