# An encoder run resumed from its checkpoint logs the same losses, bit for
# bit, as the run that was never stopped (records' order and in-process
# masks continue from the saved epoch and position).
. "$TESTS/cli/train/enc.bash"
enc_seq 60 s.tok
sop-pair --max-seq-len 24 --seed 1 s.tok -o p.tok
opts="--model albert-tiny --share ffn --data p.tok -T 24 -B 4 --lr 2e-3 --eval-every 5 --eval-batches 2 -q -j 1"
train $opts --steps 30 --log full.jsonl
train $opts --steps 30 --log part.jsonl --out ck --save-every 10 &&
	rm ck/step-00000030.ckpt && echo step-00000020.ckpt > ck/latest
head -n 20 part.jsonl > resumed.jsonl
train $opts --steps 30 --log resumed.jsonl --resume ck
cmp <(jq -c 'del(.ms_per_step)' full.jsonl) <(jq -c 'del(.ms_per_step)' resumed.jsonl)
test "$(wc -l < resumed.jsonl)" = 30
