# --keep-best keeps DIR/best.ckpt, the checkpoint of the lowest validation
# loss so far, and DIR/best.json naming its step: for GPT (where it equals
# the step's own checkpoint, byte for byte) and for an encoder, and a
# resumed run carries the best so far over (same best.json as the run that
# never stopped).  Without --out it is a usage error.
. "$TESTS/cli/train/toy.bash"
. "$TESTS/cli/train/enc.bash"
toy_tok 200 d.tok
small_model m.json
opts="--data d.tok --model m.json -T 16 -B 4 --lr 3e-2 --steps 40 --eval-every 5 --save-every 5 -q -j 1"
train $opts --out ck --keep-best --log l.jsonl
n=$(jq -s 'map(select(.val_loss and .step > 1)) | min_by(.val_loss) | .step' l.jsonl)
test "$(jq .step ck/best.json)" = "$n"
cmp ck/best.ckpt "ck/$(printf 'step-%08d.ckpt' "$n")"
train $opts --out part --keep-best --log p.jsonl
echo step-00000020.ckpt > part/latest
train $opts --out part --keep-best --resume part --log p.jsonl
jq -e -n --slurpfile a part/best.json --slurpfile b ck/best.json '$a == $b' > /dev/null
enc_seq 80 s.tok
nsp-pair --max-seq-len 24 --seed 1 s.tok | mask-gen -o e.tok
train --model bert-tiny --data e.tok -T 24 -B 8 --steps 20 --lr 2e-3 --eval-every 4 \
	--eval-batches 2 --out eck --keep-best --log e.jsonl -q -j 1
n=$(jq -s 'map(select(.val_loss)) | min_by(.val_loss) | .step' e.jsonl)
test "$(jq .step eck/best.json)" = "$n"
test -s eck/best.ckpt
if train $opts --keep-best 2> err; then exit 1; fi
grep -q "keep-best needs --out" err
