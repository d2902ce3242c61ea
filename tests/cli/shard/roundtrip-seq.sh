# Records -> ptk shards -> tokcat: the same records in the same order.
set -e
tokcat --pack --vocab-size 1000 --special eos=999 "$TESTS/data/shard/seq.jsonl" >in.tok
shard --shard-tokens 20 -o out in.tok
tokcat in.tok >want
tokcat out >got
cmp want got
ls out
jq -c '[.shard_format, .kind, .vocab_size, .token_width, .special, .train, .val]' out/manifest.json
