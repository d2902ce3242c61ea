# One flipped bit in a token: --verify and the reader (tokcat) catch it.
tokcat --pack --vocab-size 1000 "$TESTS/data/shard/seq.jsonl" >in.tok
shard --shard-tokens 20 -o out in.tok || exit 9
printf '\x7f' | dd of=out/train_000001.ptk bs=1 seek=258 conv=notrunc status=none
tokcat out >/dev/null && exit 9
shard --verify --trust out || exit 9
shard --verify out
