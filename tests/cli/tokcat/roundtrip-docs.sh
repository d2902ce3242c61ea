# Doc records survive read -> write byte-identically, plain, zstd and multi-frame.
set -e
tokcat "$TESTS/golden/good/three-docs.jsonl" > a.jsonl
cmp a.jsonl "$TESTS/golden/good/three-docs.jsonl"
tokcat "$TESTS/golden/good/three-docs.jsonl.zst" > b.jsonl
cmp b.jsonl "$TESTS/golden/good/three-docs.jsonl"
tokcat "$TESTS/golden/good/two-frames.jsonl.zst" | tail -n 1
# Written compressed and read back.
tokcat --pack --vocab-size 10 </dev/null >/dev/null
zstd -q -c "$TESTS/golden/good/three-docs.jsonl" | tokcat - | cmp - "$TESTS/golden/good/three-docs.jsonl"
