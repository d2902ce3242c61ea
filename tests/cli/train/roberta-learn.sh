# Tiny RoBERTa (MLM only, no NSP) on pack-seq full-sentence blocks, masked
# in-process with new masks every epoch: the validation MLM loss falls, the
# log has no NSP fields, and a rerun gives the same losses (the masks are a
# function of seed, epoch and record id).
. "$TESTS/cli/train/enc.bash"
enc_seq 400 s.tok
pack-seq --max-len 32 --prefix-id 64 s.tok -o fs.tok
for run in 1 2; do
	train --model roberta-tiny --data fs.tok -T 32 -B 16 --steps 120 \
		--lr 2e-3 --warmup 20 --eval-every 40 --eval-batches 10 \
		--log log$run.jsonl -q -j 1
done
jq -e -s 'length == 120 and (.[-1].epoch >= 4) and
	(map(select(has("nsp_loss") or has("nsp_acc"))) | length == 0) and
	(.[39].val_mlm_loss > .[-1].val_mlm_loss + 0.2)' log1.jsonl >/dev/null
cmp <(jq -c 'del(.ms_per_step)' log1.jsonl) <(jq -c 'del(.ms_per_step)' log2.jsonl)
