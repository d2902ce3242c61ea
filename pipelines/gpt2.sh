#!/usr/bin/env bash
# gpt2.sh - a GPT-2 style model from raw pages or doc records:
#   [crawl-fetch] -> dedup -> [benchmark-decontaminate] -> bpe-train (byte-level BPE)
#   -> tokenize (--eos) -> shard (shuffled, val split) -> train (GPT-2: pre-LN,
#   final LN, 1/sqrt(N) residual init) -> sample, and a loss plot when gnuplot exists.
#
# Usage: pipelines/gpt2.sh OUTDIR INPUT...
#   INPUT: doc record files (JSON Lines, zstd or plain), or http(s)/file URLs
#   to crawl (with --follow, CRAWL_DEPTH levels deep).
# Environment (defaults in brackets):
#   VOCAB_SIZE [8000]  MODEL [gpt-tiny]  STEPS [300]  SEQ_LEN [128]  BATCH [8]
#   LR [1e-3]  EVAL_EVERY [50]  SEED [1]  PROMPT [And God said]
#   BENCH: space-separated NAME=FILE benchmark files to decontaminate against
#   CRAWL_DEPTH [3], CRAWL_OPTS: extra crawl-fetch options
# Needs: the ptk programs (bin/ of this checkout, $PTK_BIN, or PATH), jq;
# gnuplot for the plot (skipped without it).
set -euo pipefail
. "$(dirname "$0")/common.sh"
[ $# -ge 2 ] || die "usage: gpt2.sh OUTDIR INPUT..."
out=$1
shift
mkdir -p "$out"

clean=$(text_stage "$out" "$@")

step "bpe-train: byte-level BPE, ${VOCAB_SIZE:-8000} tokens"
rm -rf "$out/vocab"
bpe-train --vocab-size "${VOCAB_SIZE:-8000}" --special-tokens '<|endoftext|>' -o "$out/vocab" "$clean"

step "tokenize: one record per document, <|endoftext|> after each"
tokenize --vocab "$out/vocab" --eos -o "$out/tokens.zst" "$clean"
tokcat --count "$out/tokens.zst" >&2

step "shard: shuffled, checksummed, 5% validation"
rm -rf "$out/shards"
shard --seed "${SEED:-1}" --val-fraction 0.05 --seq-len "${SEQ_LEN:-128}" -o "$out/shards" "$out/tokens.zst"
shard --verify "$out/shards" >&2

step "train: ${MODEL:-gpt-tiny}, ${STEPS:-300} steps"
rm -rf "$out/ckpt"
train --data "$out/shards" --model "${MODEL:-gpt-tiny}" --steps "${STEPS:-300}" \
    --seq-len "${SEQ_LEN:-128}" --batch "${BATCH:-8}" --lr "${LR:-1e-3}" \
    --warmup "$(( ${STEPS:-300} / 10 ))" --eval-every "${EVAL_EVERY:-50}" --eval-batches 8 \
    --seed "${SEED:-1}" --out "$out/ckpt" --log "$out/train.jsonl" --no-progress
jq -c 'select(.val_loss != null) | {step, loss, val_loss}' "$out/train.jsonl" >&2

step "sample: what the model writes after \"${PROMPT:-And God said}\""
train sample --checkpoint "$out/ckpt" --tokenizer "$out/vocab" --prompt "${PROMPT:-And God said}" \
    --tokens "${SAMPLE_TOKENS:-60}" --temperature 0.8 --top-k 40 --seed "${SEED:-1}" > "$out/sample.jsonl"
jq -r .text "$out/sample.jsonl"

if command -v gnuplot >/dev/null 2>&1; then
	plot-loss -o "$out/loss.png" --title "gpt2.sh: ${MODEL:-gpt-tiny}" "$out/train.jsonl"
	echo "loss plot: $out/loss.png" >&2
fi
