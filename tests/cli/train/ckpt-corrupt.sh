. "$TESTS/cli/train/toy.bash"
toy_tok 40 d.tok
small_model m.json
train --data d.tok --model m.json -T 16 -B 2 --steps 2 -q -j 1 --out ck
printf 'XX' | dd of=ck/step-00000002.ckpt bs=1 seek=300 conv=notrunc 2>/dev/null
train --data d.tok -T 16 -B 2 --steps 4 -q -j 1 --resume ck
