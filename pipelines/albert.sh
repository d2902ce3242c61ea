#!/usr/bin/env bash
# albert.sh - an ALBERT (MLM + SOP) model: factorised embeddings and shared layers.
#   [crawl-fetch] -> dedup -> [benchmark-decontaminate] -> wordpiece-train
#   -> tokenize --sentences -> sop-pair (sentence-order prediction)
#   -> mask-gen --ngram 3 (ALBERT n-gram masking) -> shard -> train --model albert-tiny.
#
# Usage: pipelines/albert.sh OUTDIR INPUT...
# Environment (defaults in brackets):
#   VOCAB_SIZE [4000]  SEQ_LEN [128]  DUPE_FACTOR [2]  MAX_PRED [20]
#   MODEL [albert-tiny]  SHARE [all]  STEPS [200]  BATCH [8]  LR [1e-3]  SEED [1]
# Needs: the ptk programs, jq.
set -euo pipefail
. "$(dirname "$0")/common.sh"
[ $# -ge 2 ] || die "usage: albert.sh OUTDIR INPUT..."
out=$1
shift
mkdir -p "$out"
seq_len=${SEQ_LEN:-128}

clean=$(text_stage "$out" "$@")

step "wordpiece-train: ${VOCAB_SIZE:-4000} tokens"
rm -rf "$out/vocab"
wordpiece-train --vocab-size "${VOCAB_SIZE:-4000}" -o "$out/vocab" "$clean"

step "tokenize: sentence bounds for sop-pair"
tokenize --vocab "$out/vocab/vocab.txt" --sentences -o "$out/tokens.zst" "$clean"

step "sop-pair: two consecutive segments, swapped half the time"
sop-pair --max-seq-len "$seq_len" --dupe-factor "${DUPE_FACTOR:-2}" --seed "${SEED:-1}" \
    -o "$out/pairs.zst" "$out/tokens.zst"
tokcat --count "$out/pairs.zst" >&2

step "mask-gen: n-gram masking (n <= 3, weight 1/n)"
mask-gen --ngram 3 --vocab "$out/vocab/vocab.txt" --max-predictions "${MAX_PRED:-20}" \
    --seed "${SEED:-1}" -o "$out/masked.zst" "$out/pairs.zst"

step "shard: shuffled, 5% validation"
rm -rf "$out/shards"
shard --seed "${SEED:-1}" --val-fraction 0.05 --seq-len "$seq_len" -o "$out/shards" "$out/masked.zst"

step "train: ${MODEL:-albert-tiny} (MLM + SOP, --share ${SHARE:-all}), ${STEPS:-200} steps"
rm -rf "$out/ckpt"
train --data "$out/shards" --model "${MODEL:-albert-tiny}" --share "${SHARE:-all}" --steps "${STEPS:-200}" \
    --seq-len "$seq_len" --batch "${BATCH:-8}" --lr "${LR:-1e-3}" --warmup "$(( ${STEPS:-200} / 10 ))" \
    --eval-every "${EVAL_EVERY:-50}" --eval-batches 8 --seed "${SEED:-1}" \
    --out "$out/ckpt" --log "$out/train.jsonl" --no-progress
jq -c 'select(.val_loss != null) | {step, loss, val_loss, mlm_loss, sop_loss, sop_acc}' "$out/train.jsonl" >&2
