#!/usr/bin/env bash
# roberta.sh - a RoBERTa model: byte-level BPE, FULL-SENTENCES packing, no NSP,
# and masks drawn afresh every epoch (dynamic masking).
#   [crawl-fetch] -> dedup -> [benchmark-decontaminate] -> bpe-train (<s> <pad> </s> <unk> <mask>)
#   -> tokenize --sentences -> pack-seq --mode full-sentences (<s> ... </s> blocks)
#   -> shard -> train --model roberta-tiny (masks each batch in-process with
#   mask-gen's library: a pure function of seed, epoch and record id).
# For trainers that take masked data instead, `mask-gen --epoch K` writes epoch K's
# masks as a stream (see MASKED_EPOCHS below).
#
# Usage: pipelines/roberta.sh OUTDIR INPUT...
# Environment (defaults in brackets):
#   VOCAB_SIZE [4000]  SEQ_LEN [128]  MODEL [roberta-tiny]  STEPS [200]  BATCH [8]
#   LR [1e-3]  SEED [1]  MASKED_EPOCHS [0]: also write this many mask-gen epochs
# Needs: the ptk programs, jq.
set -euo pipefail
. "$(dirname "$0")/common.sh"
[ $# -ge 2 ] || die "usage: roberta.sh OUTDIR INPUT..."
out=$1
shift
mkdir -p "$out"
seq_len=${SEQ_LEN:-128}

clean=$(text_stage "$out" "$@")

step "bpe-train: byte-level BPE with RoBERTa's special tokens"
rm -rf "$out/vocab"
bpe-train --vocab-size "${VOCAB_SIZE:-4000}" --special-tokens '<s>,<pad>,</s>,<unk>,<mask>' \
    -o "$out/vocab" "$clean"

step "tokenize: byte-level BPE with sentence bounds"
tokenize --vocab "$out/vocab" --sentences -o "$out/tokens.zst" "$clean"

step "pack-seq: FULL-SENTENCES blocks of $seq_len, <s> first, </s> between documents"
bos=$(jq '.model.vocab["<s>"]' "$out/vocab/tokenizer.json")
eos=$(jq '.model.vocab["</s>"]' "$out/vocab/tokenizer.json")
pack-seq --mode full-sentences --max-len "$seq_len" --prefix-id "$bos" --sep-id "$eos" \
    -o "$out/packed.zst" "$out/tokens.zst"
tokcat --count "$out/packed.zst" >&2

for ((e = 0; e < ${MASKED_EPOCHS:-0}; e++)); do
	step "mask-gen --epoch $e: this epoch's masks as a stream"
	mask-gen --seed "${SEED:-1}" --epoch "$e" -o "$out/masked-epoch$e.zst" "$out/packed.zst"
done

step "shard: shuffled, 5% validation"
rm -rf "$out/shards"
shard --seed "${SEED:-1}" --val-fraction 0.05 --seq-len "$seq_len" -o "$out/shards" "$out/packed.zst"

step "train: ${MODEL:-roberta-tiny} (MLM only, dynamic masking), ${STEPS:-200} steps"
rm -rf "$out/ckpt"
train --data "$out/shards" --model "${MODEL:-roberta-tiny}" --steps "${STEPS:-200}" \
    --seq-len "$seq_len" --batch "${BATCH:-8}" --lr "${LR:-1e-3}" --warmup "$(( ${STEPS:-200} / 10 ))" \
    --eval-every "${EVAL_EVERY:-50}" --eval-batches 8 --seed "${SEED:-1}" \
    --out "$out/ckpt" --log "$out/train.jsonl" --no-progress
jq -c 'select(.val_loss != null) | {step, loss, val_loss, mlm_loss}' "$out/train.jsonl" >&2
