# Token records: JSON -> binary -> JSON is the identity, zstd and plain, and concatenated streams read as one.
set -e
g="$TESTS/golden/good"
tokcat --pack --vocab-size 100 --special eos=99 --special pad=0 "$g/tokens.jsonl" -o t.zst
tokcat t.zst | cmp - "$g/tokens.jsonl"
tokcat "$g/tokens.tok" | cmp - "$g/tokens.jsonl"
tokcat "$g/tokens.tok.zst" | cmp - "$g/tokens.jsonl"
# The binary encoding is stable: packing again gives the committed bytes.
tokcat --pack --no-compress --vocab-size 100 --special eos=99 --special pad=0 "$g/tokens.jsonl" | cmp - "$g/tokens.tok"
cat t.zst "$g/tokens.tok.zst" | tokcat --count
tokcat --header --head 1 "$g/tokens.tok"
