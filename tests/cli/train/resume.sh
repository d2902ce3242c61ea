# A run resumed from its step-7 checkpoint logs the same steps 8..15 as the
# uninterrupted run, bit for bit (loss, learning rate, gradient norm and
# validation loss printed with all their digits).
. "$TESTS/cli/train/toy.bash"
toy_tok 200 d.tok
small_model m.json
opts="--data d.tok -T 16 -B 4 --lr 1e-2 --warmup 3 -q -j 1 --eval-every 5"
train $opts --model m.json --steps 15 --save-every 7 --out ck --log full.jsonl
test "$(cat ck/latest)" = step-00000015.ckpt
printf 'step-00000007.ckpt\n' > ck/latest
train $opts --steps 15 --resume ck --log resumed.jsonl
jq -c 'select(.step > 7) | [.step, .loss, .lr, .grad_norm, .val_loss]' full.jsonl > a
jq -c '[.step, .loss, .lr, .grad_norm, .val_loss]' resumed.jsonl > b
test "$(wc -l < b)" = 8
cmp a b
