# --format llmc: 256 int32 header (20240520, 1, token count), uint16
# tokens; shards filled exactly; --eod before puts eos before each record.
set -e
tokcat --pack --vocab-size 1000 --special eos=999 "$TESTS/data/shard/seq.jsonl" >in.tok
shard --format llmc --eod before --shard-tokens 50 -o out in.tok
ls out
od -A d -t d4 -N 16 out/train_000000.bin
od -A d -t d4 -N 16 out/train_000001.bin
od -A d -j 1024 -t u2 -N 26 out/train_000000.bin
stat -c %s out/train_000000.bin out/train_000001.bin
shard --verify out
