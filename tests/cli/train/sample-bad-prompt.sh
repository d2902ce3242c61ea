. "$TESTS/cli/train/toy.bash"
toy_tok 40 d.tok
small_model m.json
train --data d.tok --model m.json -T 16 -B 2 --steps 1 -q -j 1 -j 1 --out ck
train sample --checkpoint ck -p 1,99
