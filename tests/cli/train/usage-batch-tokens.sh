. "$TESTS/cli/train/toy.bash"
toy_tok 20 d.tok
train --data d.tok --model gpt-tiny -T 32 -B 4 --batch-tokens 100 --steps 1
