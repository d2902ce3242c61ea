# --format megatron: <prefix>.bin + <prefix>.idx; the .idx header as
# Megatron-LM writes it: "MMIDIDX\0\0", u64 1, dtype 8 (uint16), u64
# sequences, u64 documents (records + 1), then int32 sizes.
set -e
tokcat --pack --vocab-size 1000 "$TESTS/data/shard/seq.jsonl" >in.tok
shard --format megatron -o out in.tok
ls out
od -A d -t x1 -N 42 out/train_000000.idx
od -A d -t u2 -N 22 out/train_000000.bin
shard --verify out
tokcat out | jq -c .tokens | head -3
