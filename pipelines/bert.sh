#!/usr/bin/env bash
# bert.sh - a BERT (MLM + NSP) model from raw pages or doc records:
#   [crawl-fetch] -> dedup -> [benchmark-decontaminate] -> wordpiece-train
#   -> tokenize --sentences -> nsp-pair (dupe factor) -> mask-gen (static masks,
#   80/10/10, whole words) -> shard -> train --model bert-tiny (MLM + NSP).
#
# Usage: pipelines/bert.sh OUTDIR INPUT...
#   INPUT: doc record files, or http(s)/file URLs to crawl.
# Environment (defaults in brackets):
#   VOCAB_SIZE [4000]  SEQ_LEN [128]  DUPE_FACTOR [2]  MAX_PRED [20]
#   MODEL [bert-tiny]  STEPS [200]  BATCH [8]  LR [1e-3]  SEED [1]  BENCH, CRAWL_*
# Needs: the ptk programs, jq.
set -euo pipefail
. "$(dirname "$0")/common.sh"
[ $# -ge 2 ] || die "usage: bert.sh OUTDIR INPUT..."
out=$1
shift
mkdir -p "$out"
seq_len=${SEQ_LEN:-128}

clean=$(text_stage "$out" "$@")

step "wordpiece-train: BERT uncased WordPiece, ${VOCAB_SIZE:-4000} tokens"
rm -rf "$out/vocab"
wordpiece-train --vocab-size "${VOCAB_SIZE:-4000}" -o "$out/vocab" "$clean"

step "tokenize: WordPiece with sentence bounds"
tokenize --vocab "$out/vocab/vocab.txt" --sentences -o "$out/tokens.zst" "$clean"
tokcat --count "$out/tokens.zst" >&2

step "nsp-pair: [CLS] A [SEP] B [SEP], half with a random B, dupe factor ${DUPE_FACTOR:-2}"
nsp-pair --max-seq-len "$seq_len" --dupe-factor "${DUPE_FACTOR:-2}" --seed "${SEED:-1}" \
    -o "$out/pairs.zst" "$out/tokens.zst"
tokcat --count "$out/pairs.zst" >&2

step "mask-gen: static whole-word masks, 15% of positions, 80/10/10"
mask-gen --whole-word --vocab "$out/vocab/vocab.txt" --max-predictions "${MAX_PRED:-20}" \
    --seed "${SEED:-1}" -o "$out/masked.zst" "$out/pairs.zst"
tokcat --head 1 "$out/masked.zst" | cut -c 1-160 >&2

step "shard: shuffled, 5% validation"
rm -rf "$out/shards"
shard --seed "${SEED:-1}" --val-fraction 0.05 --seq-len "$seq_len" -o "$out/shards" "$out/masked.zst"
shard --verify "$out/shards" >&2

step "train: ${MODEL:-bert-tiny} (MLM + NSP), ${STEPS:-200} steps"
rm -rf "$out/ckpt"
train --data "$out/shards" --model "${MODEL:-bert-tiny}" --steps "${STEPS:-200}" \
    --seq-len "$seq_len" --batch "${BATCH:-8}" --lr "${LR:-1e-3}" --warmup "$(( ${STEPS:-200} / 10 ))" \
    --eval-every "${EVAL_EVERY:-50}" --eval-batches 8 --seed "${SEED:-1}" \
    --out "$out/ckpt" --log "$out/train.jsonl" --no-progress
jq -c 'select(.val_loss != null) | {step, loss, val_loss, mlm_loss, nsp_loss, nsp_acc}' "$out/train.jsonl" >&2
