#!/usr/bin/env bash
# bench/eval/run.sh - zero- and few-shot multiple choice with train eval.
#
# Holds out every tenth chapter of the bundled corpus, makes a 4-way
# "which continuation is the real one" task from it (kjv_mc.py), trains a
# byte-level BPE and a small GPT on the other chapters, then scores the
# checkpoint with 0, 1, 2 and 4 shots, and the held-out perplexity.
#
# usage: bench/eval/run.sh [WORKDIR] [STEPS]   (run from the repository root)
# A WORKDIR holding a checkpoint (ck/latest) from an earlier run is reused.
# The scoring runs use -j 1: the model is small, and on a busy machine
# OpenMP threads waiting for each other cost more than they bring.
set -euo pipefail
root=$(pwd)
work=${1:-bench-eval}
steps=${2:-600}
bin=$root/bin
mkdir -p "$work"
cd "$work"
zstd -dc "$root/data/kjv.jsonl.zst" |
	python3 "$root/bench/eval/kjv_mc.py" train.jsonl task.jsonl text.jsonl 400 6 1
"$bin/bpe-train" --vocab-size 2048 --special-tokens '<|endoftext|>' -o tok -q train.jsonl
"$bin/tokenize" --vocab tok --eos -o train.tok train.jsonl
printf '{"preset":"gpt-tiny","n_layer":3,"n_embd":96,"n_head":4,"n_ctx":128}\n' > m.json
if [ ! -e ck/latest ]; then
	start=$(date +%s)
	"$bin/train" --data train.tok --model m.json -T 128 -B 16 --steps "$steps" \
		--lr 3e-3 --warmup 30 --eval-every 100 --eval-batches 10 -q \
		--out ck --log train-log.jsonl
	echo "training: $(( $(date +%s) - start )) s, final val_loss" \
		"$(grep val_loss train-log.jsonl | tail -1 | jq .val_loss)"
fi
# An untrained model of the same shape as a control (chance level).
if [ ! -e ck0/latest ]; then
	"$bin/train" --data train.tok --model m.json -T 128 -B 16 --steps 1 \
		--lr 1e-12 -q --out ck0
fi
printf '%-10s %5s %9s %14s\n' model shots accuracy accuracy_norm
for k in 0 1 2 4; do
	for m in ck0 ck; do
		[ "$m" = ck0 ] && [ "$k" != 0 ] && continue
		"$bin/train" eval -c $m --task task.jsonl -t tok --shots $k -j 1 > r.json
		jq -r --arg m "$m" '"\($m) \(.shots) \(.accuracy) \(.accuracy_norm)"' r.json |
			awk '{ printf "%-10s %5d %9.3f %14.3f\n", $1, $2, $3, $4 }'
	done
done
"$bin/train" eval -c ck --task text.jsonl -t tok -j 1 | tee ppl.json
# Identical output for another thread count.
"$bin/train" eval -c ck --task task.jsonl -t tok --shots 2 -j 1 > a.json
"$bin/train" eval -c ck --task task.jsonl -t tok --shots 2 -j 2 > b.json
cmp a.json b.json && echo "shots 2: -j 1 and -j 2 identical"
