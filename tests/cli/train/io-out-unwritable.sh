. "$TESTS/cli/train/toy.bash"
toy_tok 40 d.tok
small_model m.json
touch file
train --data d.tok --model m.json --steps 2 -T 16 -B 2 -q -j 1 --out file/ck
