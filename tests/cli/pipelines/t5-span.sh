# pipelines/t5-span.sh end to end on a tiny input (20 chapters of the bundled corpus), so it never rots.
set -eo pipefail
tokcat --head 20 "$TESTS/../data/kjv.jsonl.zst" > in.jsonl
BLOCK=128 STEPS=4 EVAL_EVERY=2 VOCAB_SIZE=500 SEQ_LEN=64 BATCH=4 SAMPLE_TOKENS=8 \
    "$TESTS/../pipelines/t5-span.sh" out in.jsonl > stdout.log 2> stderr.log || { cat stderr.log >&2; exit 1; }
tokcat --header --head 0 out/spans.zst | jq -e ".header.kind == \"span\"" > /dev/null
shard --verify out/shards > /dev/null
jq -e -s "length == 4 and (map(select(.val_loss != null)) | length) >= 1" out/train.jsonl > /dev/null
# The checkpoint fine-tunes on text-to-text lines and decodes them.
printf '{"input":"reverse: in the beginning","target":"beginning the in"}\n%.0s' 1 2 3 > t.jsonl
train --model t5-tiny --text t.jsonl -t out/vocab --init out/ckpt --steps 2 -B 2 --log ft.jsonl
train sample -c out/ckpt -t out/vocab --input t.jsonl -n 4 --temperature 0 -q | jq -e -s "length == 3" > /dev/null
echo ok
