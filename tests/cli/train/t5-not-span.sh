# T5 needs span records: token records of another kind are bad data.
. "$TESTS/cli/train/toy.bash"
toy_tok 20 d.tok
train --model t5-tiny --data d.tok --steps 1
