# Tiny ALBERT (factorised embeddings, all layers shared; MLM + SOP) on
# shards of sop-pair | mask-gen --ngram 3 records of the toy corpus: the
# validation MLM and SOP losses fall and SOP accuracy ends well above
# chance (half the pairs are swapped).
. "$TESTS/cli/train/enc.bash"
enc_seq 600 s.tok
sop-pair --max-seq-len 24 --dupe-factor 3 --seed 1 s.tok -o p.tok
mask-gen --seed 1 --ngram 3 p.tok -o m.tok
shard --val-fraction 0.1 --seed 3 -o sh m.tok
train --model albert-tiny --data sh -T 24 -B 16 --steps 200 --lr 2e-3 \
	--warmup 20 --eval-every 50 --eval-batches 10 --log log.jsonl -q -j 1
jq -e -s 'length == 200 and
	(.[0] | has("mlm_loss") and has("sop_loss") and has("sop_acc")) and
	(.[49].val_mlm_loss > .[-1].val_mlm_loss + 0.3) and
	(.[49].val_sop_loss > .[-1].val_sop_loss) and
	(.[-1].val_sop_acc > 0.85)' log.jsonl >/dev/null
