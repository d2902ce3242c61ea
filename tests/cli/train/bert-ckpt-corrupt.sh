# A damaged encoder checkpoint is refused with exit 1.
. "$TESTS/cli/train/enc.bash"
enc_seq 40 s.tok
nsp-pair --max-seq-len 24 --seed 1 s.tok | mask-gen -o m.tok
train --model bert-tiny --data m.tok -T 24 -B 4 --steps 2 --out ck -q -j 1
printf 'x' | dd of=ck/step-00000002.ckpt bs=1 seek=200 conv=notrunc 2>/dev/null
train --model bert-tiny --data m.tok -T 24 -B 4 --steps 4 --resume ck -q -j 1
