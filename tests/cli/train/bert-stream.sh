# An encoder trained from a stream (--stream, records in arrival order on
# stdin, validation from --val): it stops with a message when the stream
# ends, dropping the partial step; a run resumed from a checkpoint skips the
# records it had consumed and logs the same losses as the run never
# stopped; --stream under no other input is refused.
. "$TESTS/cli/train/enc.bash"
enc_seq 120 s.tok
nsp-pair --max-seq-len 24 --seed 1 s.tok | mask-gen -o m.tok
enc_seq 20 v.tok 777
nsp-pair --max-seq-len 24 --seed 2 v.tok | mask-gen -o val.tok
n=$(tokcat --count m.tok | jq .records)
opts="--model bert-tiny --stream --val val.tok -T 24 -B 8 --lr 2e-3 --eval-every 3 --eval-batches 2 -j 1"
train $opts --steps 1000 --log all.jsonl < m.tok 2> err
test "$(wc -l < all.jsonl)" = $((n / 8))
grep -q "train: the stream ended after $((n / 8)) steps" err
jq -e -s 'all(.[]; .epoch == 0) and (map(select(.val_nsp_acc)) | length > 0)' all.jsonl > /dev/null
train $opts --steps 12 --log full.jsonl -q < m.tok
train $opts --steps 12 --log part.jsonl --out ck --save-every 6 -q < m.tok
echo step-00000006.ckpt > ck/latest
head -n 6 part.jsonl > resumed.jsonl
train $opts --steps 12 --log resumed.jsonl --resume ck -q < m.tok
cmp <(jq -c 'del(.ms_per_step)' full.jsonl) <(jq -c 'del(.ms_per_step)' resumed.jsonl)
# A stream too short for the checkpoint's position: exit 1.
nsp-pair --max-seq-len 24 --seed 1 v.tok | mask-gen -o short.tok
if train $opts --steps 12 --resume ck -q < short.tok 2> e2; then exit 1; fi
grep -q "the stream ends before the checkpoint's position" e2
if train --model bert-tiny --stream --data m.tok --steps 1 2> e3; then exit 1; fi
grep -q "give one of --data PATH and --stream" e3
