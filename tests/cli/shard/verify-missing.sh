# A shard file that is gone, and a folder that is not a shard folder.
tokcat --pack --vocab-size 1000 "$TESTS/data/shard/seq.jsonl" >in.tok
shard --format megatron -o out in.tok || exit 9
rm out/train_000000.idx
mkdir empty
shard --verify out empty
