# --sentences: Megatron sequences are the records' sentences (bounds), a
# document per record, as preprocess_data.py --split-sentences writes.
set -e
tokcat --pack --vocab-size 1000 "$TESTS/data/shard/seq.jsonl" >in.tok
shard --format megatron --sentences -o out in.tok
od -A d -t u8 -j 18 -N 16 out/train_000000.idx
tokcat out | jq -c .tokens | sed -n 5p
