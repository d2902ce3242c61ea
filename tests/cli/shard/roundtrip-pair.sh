# pair records keep every part (segments, bounds, labels, label) exactly.
set -e
tokcat --pack --vocab-size 256 --kind pair "$TESTS/data/shard/pair.jsonl" >in.tok
shard --shard-tokens 16 -o out in.tok
tokcat --header in.tok >want
tokcat --header out >got
cmp want got
jq -c '[.kind, .token_width, (.shards | length)]' out/manifest.json
