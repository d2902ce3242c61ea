# --eod after appends the eos token to every record (Megatron's
# --append-eod); --eod-id picks another token.
set -e
tokcat --pack --vocab-size 1000 --special eos=999 "$TESTS/data/shard/seq.jsonl" >in.tok
shard --eod after -o a in.tok
tokcat --head 3 a | jq -c .tokens
shard --eod before --eod-id 7 -o b in.tok
tokcat --head 2 b | jq -c .tokens
jq -r .eod a/manifest.json b/manifest.json
shard --eod after -o c "$(tokcat --pack --vocab-size 1000 "$TESTS/data/shard/seq.jsonl" >n.tok; echo n.tok)" 2>&1 || true
