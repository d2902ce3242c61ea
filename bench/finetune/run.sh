#!/usr/bin/env bash
# run.sh - fine-tuning on a labelled set made from the bundled corpus: which
# of two books (Genesis 0, Matthew 1) a verse comes from.  Every fifth
# chapter of the two books is held out: its verses are the validation set
# and the chapter is left out of pre-training.  A tiny BERT (MLM + NSP) and
# a tiny GPT are pre-trained on the rest of the corpus for STEPS steps, then
# fine-tuned (BERT: [CLS] classifier; GPT: last-token classifier with the
# auxiliary LM loss) for EPOCHS epochs; prints the validation accuracy per
# epoch beside the majority class.
#
# usage: bench/finetune/run.sh [WORKDIR] [STEPS] [EPOCHS]   (defaults:
#        a temporary folder, 400, 4).  Needs jq and the built programs.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-}
steps=${2:-400}
epochs=${3:-4}
if [ -z "$work" ]; then
	work=$(mktemp -d "${TMPDIR:-/tmp}/ptk-bench-ft.XXXXXX")
	trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
cd "$work"
PATH=$top/bin:$PATH
corpus=$top/data/kjv.jsonl.zst
books='^kjv/(Ge|Mat)[0-9]+$'
zstd -dc "$corpus" | jq -c --arg b "$books" 'select((.id | test($b)) and
    ((.id | sub("kjv/(Ge|Mat)"; "") | tonumber) % 5 == 0) | not)' > pre.jsonl
zstd -dc "$corpus" | jq -c --arg b "$books" 'select(.id | test($b)) |
    (.id | test("Mat")) as $m | (.id | sub("kjv/(Ge|Mat)"; "") | tonumber) as $c |
    .text | split("\n")[] | select(length > 20) |
    {text: ., label: (if $m then 1 else 0 end), val: ($c % 5 == 0)}' > all.jsonl
jq -c 'select(.val | not) | del(.val)' all.jsonl | awk 'NR % 2 == 1' > train.jsonl
jq -c 'select(.val) | del(.val)' all.jsonl > val.jsonl
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(getconf _NPROCESSORS_ONLN) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); pre-training $steps steps, fine-tuning $epochs epochs"
echo "examples: $(wc -l < train.jsonl) training, $(wc -l < val.jsonl) validation;" \
    "majority class $(jq -s 'map(.label) | (add / length) as $p | if $p > 0.5 then $p else 1 - $p end' val.jsonl)"

wordpiece-train --vocab-size 4000 -o wp -q pre.jsonl
tokenize --vocab wp/vocab.txt --sentences -o sent.zst pre.jsonl
nsp-pair --max-seq-len 64 --seed 1 sent.zst | mask-gen --seed 1 -o masked.zst
train --model bert-tiny --data masked.zst -T 64 -B 32 --steps "$steps" --lr 1e-3 \
	--warmup 20 --out bert -q
echo "BERT (bert-tiny, [CLS] classifier):"
train finetune -c bert -t wp/vocab.txt --train train.jsonl --val val.jsonl -T 64 \
	--lr 1e-3 --epochs "$epochs" -q

bpe-train --vocab-size 4000 --special-tokens '<|endoftext|>' -o bpe -q pre.jsonl
tokenize --vocab bpe -o gpt.zst pre.jsonl
train --data gpt.zst --model gpt-tiny -T 64 -B 32 --steps "$steps" --lr 1e-3 \
	--warmup 20 --out gpt -q
echo "GPT (gpt-tiny, last-token classifier, --aux-lm 0.5):"
train finetune -c gpt -t bpe --train train.jsonl --val val.jsonl -T 64 \
	--lr 1e-3 --epochs "$epochs" -q
