# A shard folder: windows from its train split, validation on its val
# split, and a resumed run continues with the same losses.
. "$TESTS/cli/train/toy.bash"
toy_tok 200 d.tok
shard -q --val-fraction 0.1 --seed 1 -o sh d.tok
small_model m.json
opts="--data sh -T 16 -B 4 --lr 1e-2 -q -j 1 --eval-every 4 --eval-batches 2"
train $opts --model m.json --steps 8 --save-every 4 --out ck --log full.jsonl
printf 'step-00000004.ckpt\n' > ck/latest
train $opts --steps 8 --resume ck --log resumed.jsonl
jq -e -s 'map(select(.val_loss)) | length == 3' full.jsonl >/dev/null
jq -c 'select(.step > 4) | [.step, .loss, .val_loss]' full.jsonl > a
jq -c '[.step, .loss, .val_loss]' resumed.jsonl > b
cmp a b
