#!/usr/bin/env bash
# t5-span.sh - T5 span-corruption pretraining examples:
#   [crawl-fetch] -> dedup -> [benchmark-decontaminate] -> bpe-train
#   -> tokenize --eos -> pack-seq --mode concat (568-token blocks, which become
#   ~512-token inputs after corruption, as in T5) -> mask-gen --span (noise
#   density 0.15, mean span 3, sentinels counting down from the top of the
#   vocabulary) -> shard.
# Training them needs an encoder-decoder: when `train --model t5-tiny` exists it
# runs here; the trainer has no encoder-decoder yet, so by default the pipeline
# ends with the shards (TRAIN=1 forces the training step).
#
# Usage: pipelines/t5-span.sh OUTDIR INPUT...
# Environment (defaults in brackets):
#   VOCAB_SIZE [4000]  BLOCK [568]  SENTINELS [100]  SEED [1]  TRAIN [auto]  STEPS [200]
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

train_t5=${TRAIN:-auto}
if [ "$train_t5" = auto ]; then
	if train --help 2>&1 | grep -q 't5-tiny'; then train_t5=1; else train_t5=0; fi
fi
if [ "$train_t5" = 1 ]; then
	step "train: t5-tiny, ${STEPS:-200} steps"
	train --data "$out/shards" --model t5-tiny --steps "${STEPS:-200}" --seed "${SEED:-1}" \
	    --out "$out/ckpt" --log "$out/train.jsonl" --no-progress
else
	echo "t5-span.sh: the span-corruption shards are in $out/shards; ptk's trainer has no" \
	    "encoder-decoder model yet, so they are not trained here" >&2
fi
