#!/usr/bin/env bash
# demo.sh - what `make demo` runs: the whole GPT-2 pipeline, offline, on the
# bundled corpus (data/kjv.jsonl.zst, the King James Bible).
#
# The corpus is first published as a small local web site (one page per
# chapter, linked from book pages and an index), then pipelines/gpt2.sh crawls
# it through file:// URLs and runs dedup, decontamination against
# data/benchmarks/verses.jsonl, bpe-train, tokenize, shard, train and sample.
# Output: ${PTK_DEMO_DIR:-build/demo}; STEPS (default 300) sets training length.
set -euo pipefail
. "$(dirname "$0")/common.sh"
out=${PTK_DEMO_DIR:-$ptk_top/build/demo}
rm -rf "$out"
mkdir -p "$out"

step "publishing the bundled corpus as a local site"
tokcat "$ptk_top/data/kjv.jsonl.zst" | python3 "$ptk_top/pipelines/make-site.py" "$out/site"
echo "$(find "$out/site" -name '*.html' | wc -l) pages in $out/site" >&2

export BENCH=${BENCH:-verses=$ptk_top/data/benchmarks/verses.jsonl}
export STEPS=${STEPS:-300} VOCAB_SIZE=${VOCAB_SIZE:-4096}
"$ptk_top/pipelines/gpt2.sh" "$out/gpt2" "file://$out/site/index.html"

first=$(jq -s 'map(select(.val_loss != null)) | first | .val_loss' "$out/gpt2/train.jsonl")
last=$(jq -s 'map(select(.val_loss != null)) | last | .val_loss' "$out/gpt2/train.jsonl")
printf '\nvalidation loss: %s -> %s (ln V = %s)\n' "$first" "$last" \
    "$(awk -v v="$VOCAB_SIZE" 'BEGIN{printf "%.3f", log(v)}')"
awk -v a="$first" -v b="$last" 'BEGIN{exit !(b < a)}' || { echo "demo: the loss did not fall" >&2; exit 1; }
echo "demo finished; outputs in $out/gpt2"
