# pipelines/t5-span.sh end to end on a tiny input (20 chapters of the bundled corpus), so it never rots.
set -eo pipefail
tokcat --head 20 "$TESTS/../data/kjv.jsonl.zst" > in.jsonl
BLOCK=128 STEPS=4 EVAL_EVERY=2 VOCAB_SIZE=500 SEQ_LEN=64 BATCH=4 SAMPLE_TOKENS=8 \
    "$TESTS/../pipelines/t5-span.sh" out in.jsonl > stdout.log 2> stderr.log || { cat stderr.log >&2; exit 1; }
tokcat --header --head 0 out/spans.zst | jq -e ".header.kind == \"span\"" > /dev/null
shard --verify out/shards > /dev/null
jq -e -s "length == 4 and (map(select(.val_loss != null)) | length) >= 1" out/train.jsonl > /dev/null
echo ok
