# pipelines/albert.sh end to end on a tiny input (20 chapters of the bundled corpus), so it never rots.
set -eo pipefail
tokcat --head 20 "$TESTS/../data/kjv.jsonl.zst" > in.jsonl
STEPS=4 EVAL_EVERY=2 VOCAB_SIZE=500 SEQ_LEN=64 BATCH=4 SAMPLE_TOKENS=8 \
    "$TESTS/../pipelines/albert.sh" out in.jsonl > stdout.log 2> stderr.log || { cat stderr.log >&2; exit 1; }
jq -e -s "length == 4 and (last | .sop_acc != null)" out/train.jsonl > /dev/null
echo ok
