# A T5 run resumed from its step-10 checkpoint logs the same steps 11..30,
# bit for bit, as the run never stopped (weights, AdamW moments, the batch
# order's generator and position are in the checkpoint); a corrupt
# checkpoint is refused.
. "$TESTS/cli/train/toy.bash"
toy_tok 200 d.tok
mask-gen --span --seed 3 d.tok -o s.tok
opts="--model t5-tiny --data s.tok --steps 30 -B 8 --lr 3e-3 --eval-every 10 -j 1"
train $opts --log full.jsonl
train $opts --log part.jsonl --out ck --save-every 10
cmp full.jsonl part.jsonl
test "$(cat ck/latest)" = step-00000030.ckpt
echo step-00000010.ckpt > ck/latest
head -n 10 part.jsonl > resumed.jsonl
train $opts --log resumed.jsonl --resume ck
cmp full.jsonl resumed.jsonl
# One flipped byte in the weights fails the checksum: exit 1.
cp ck/step-00000010.ckpt bad.ckpt
printf '\x55' | dd of=bad.ckpt bs=1 seek=500 conv=notrunc 2>/dev/null
if train $opts --resume bad.ckpt --log x.jsonl 2> err; then exit 1; fi
grep -q "bad.ckpt: checksum mismatch" err
# Other data than the run's: refused.
toy_tok 100 e.tok
mask-gen --span --seed 3 e.tok -o s2.tok
if train --model t5-tiny --data s2.tok --steps 30 --resume ck --log y.jsonl 2> err2; then exit 1; fi
grep -q "other data" err2
