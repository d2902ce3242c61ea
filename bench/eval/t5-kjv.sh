#!/usr/bin/env bash
# bench/eval/t5-kjv.sh - T5 span-corruption pre-training on the bundled
# corpus (the 1070 chapters kjv_mc.py keeps for training): a byte-level BPE with <|endoftext|> and 100 sentinel tokens
# (<extra_id_N>, ids 1..100), 96-token blocks, mask-gen --span (15% noise,
# mean span 3), then train --model t5-tiny; prints val_loss at each
# evaluation.
#
# usage: bench/eval/t5-kjv.sh [WORKDIR] [STEPS]   (from the repository root)
set -euo pipefail
root=$(pwd)
work=${1:-bench-t5}
steps=${2:-400}
bin=$root/bin
mkdir -p "$work"
cd "$work"
# The chapters bench/eval/run.sh trains its GPT on (every tenth held out).
zstd -dc "$root/data/kjv.jsonl.zst" |
	python3 "$root/bench/eval/kjv_mc.py" docs.jsonl task.jsonl text.jsonl 400 6 1
sp="<|endoftext|>$(for i in $(seq 0 99); do printf ',<extra_id_%d>' "$i"; done)"
"$bin/bpe-train" --vocab-size 2048 --special-tokens "$sp" -o tok -q docs.jsonl
"$bin/tokenize" --vocab tok --eos docs.jsonl |
	"$bin/pack-seq" --max-len 96 |
	"$bin/mask-gen" --span --sentinel-top 100 --sentinels 100 --seed 1 -o spans.tok
start=$(date +%s)
"$bin/train" --model t5-tiny --data spans.tok --steps "$steps" -B 16 --lr 3e-3 \
	--eval-every 50 --log t5.jsonl
echo "training: $(( $(date +%s) - start )) s"
jq -c 'select(.val_loss) | {step, val_loss}' t5.jsonl
