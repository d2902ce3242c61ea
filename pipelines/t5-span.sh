#!/usr/bin/env bash
# t5-span.sh - T5 span-corruption pretraining, data and a tiny encoder-decoder:
#   [crawl-fetch] -> dedup -> [benchmark-decontaminate] -> bpe-train
#   -> tokenize --eos -> pack-seq --mode concat (BLOCK-token blocks; T5 used 568,
#   which become ~512-token inputs after corruption) -> mask-gen --span (noise
#   density 0.15, mean span 3, sentinels counting down from the top of the
#   vocabulary) -> shard (checksummed shards for other trainers) -> train
#   --model t5-tiny (encoder-decoder, loss on the targets only) on the span records,
#   checkpointed to OUTDIR/ckpt.  Fine-tune it on a text-to-text task with
#   'train --model t5-tiny --text TASKS.jsonl -t OUTDIR/vocab --init OUTDIR/ckpt'
#   and decode with 'train sample -c CKPT -t OUTDIR/vocab --input FILE'.
#
# Usage: pipelines/t5-span.sh OUTDIR INPUT...
# Environment (defaults in brackets):
#   VOCAB_SIZE [4000]  BLOCK [568]  SENTINELS [100]  SEED [1]  STEPS [200]  LR [3e-3]
# Needs: the ptk programs, jq.
set -euo pipefail
. "$(dirname "$0")/common.sh"
[ $# -ge 2 ] || die "usage: t5-span.sh OUTDIR INPUT..."
out=$1
shift
mkdir -p "$out"

clean=$(text_stage "$out" "$@")

step "bpe-train: ${VOCAB_SIZE:-4000} tokens (the top ${SENTINELS:-100} ids serve as sentinels)"
rm -rf "$out/vocab"
bpe-train --vocab-size "${VOCAB_SIZE:-4000}" --special-tokens '<pad>,</s>,<unk>' -o "$out/vocab" "$clean"

step "tokenize, then pack into ${BLOCK:-568}-token blocks"
tokenize --vocab "$out/vocab" --eos -o "$out/tokens.zst" "$clean"
pack-seq --mode concat --max-len "${BLOCK:-568}" -o "$out/packed.zst" "$out/tokens.zst"

step "mask-gen --span: T5 span corruption"
mask-gen --span --sentinels "${SENTINELS:-100}" --seed "${SEED:-1}" -o "$out/spans.zst" "$out/packed.zst"
tokcat --count "$out/spans.zst" >&2
tokcat --head 1 "$out/spans.zst" | cut -c 1-200 >&2

step "shard: shuffled, 5% validation"
rm -rf "$out/shards"
shard --seed "${SEED:-1}" --val-fraction 0.05 -o "$out/shards" "$out/spans.zst"
shard --verify "$out/shards" >&2

step "train: t5-tiny on the span records, ${STEPS:-200} steps"
rm -rf "$out/ckpt"
train --model t5-tiny --data "$out/spans.zst" --steps "${STEPS:-200}" --lr "${LR:-3e-3}" \
    --eval-every "${EVAL_EVERY:-50}" --seed "${SEED:-1}" --log "$out/train.jsonl" --no-progress \
    --out "$out/ckpt"
jq -c 'select(.val_loss != null) | {step, loss, val_loss}' "$out/train.jsonl" >&2
