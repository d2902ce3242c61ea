# Tiny BERT (MLM + NSP) on shards of nsp-pair | mask-gen records of the toy
# corpus: the validation MLM and NSP losses fall and NSP accuracy ends well
# above the majority class (about 58% random-next).
. "$TESTS/cli/train/enc.bash"
enc_seq 600 s.tok
nsp-pair --max-seq-len 32 --dupe-factor 3 --seed 1 s.tok -o p.tok
mask-gen --seed 1 p.tok -o m.tok
shard --val-fraction 0.1 --seed 3 -o sh m.tok
train --model bert-tiny --data sh -T 32 -B 16 --steps 200 --lr 2e-3 \
	--warmup 20 --eval-every 50 --eval-batches 10 --log log.jsonl -q -j 1
jq -e -s 'length == 200 and (map(select(.val_loss)) | length == 4) and
	(.[0] | has("mlm_loss") and has("nsp_loss") and has("nsp_acc")) and
	(.[49].val_mlm_loss > .[-1].val_mlm_loss + 0.3) and
	(.[49].val_nsp_loss > .[-1].val_nsp_loss) and
	(.[-1].val_nsp_acc > 0.8)' log.jsonl >/dev/null
