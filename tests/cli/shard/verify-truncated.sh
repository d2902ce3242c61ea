# A truncated shard is caught by its size, even with --trust.
tokcat --pack --vocab-size 1000 "$TESTS/data/shard/seq.jsonl" >in.tok
shard --format llmc -o out in.tok || exit 9
truncate -s -2 out/train_000000.bin
shard --verify --trust out
