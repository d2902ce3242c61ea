# A stream run resumes by skipping the records it had consumed: the same
# stream piped again continues with the same losses.
. "$TESTS/cli/train/toy.bash"
toy_tok 100 d.tok
small_model m.json
opts="--stream -T 16 -B 2 --lr 1e-2 -q -j 1"
train $opts --model m.json --steps 12 --save-every 5 --out ck --log full.jsonl < d.tok
printf 'step-00000005.ckpt\n' > ck/latest
train $opts --steps 12 --resume ck --log resumed.jsonl < d.tok
jq -c 'select(.step > 5) | [.step, .loss, .grad_norm]' full.jsonl > a
jq -c '[.step, .loss, .grad_norm]' resumed.jsonl > b
test "$(wc -l < b)" = 7
cmp a b
