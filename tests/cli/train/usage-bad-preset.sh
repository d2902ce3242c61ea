. "$TESTS/cli/train/toy.bash"
toy_tok 20 d.tok
train --data d.tok --model gpt-huge --steps 1
