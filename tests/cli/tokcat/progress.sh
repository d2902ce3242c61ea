# --progress reports on stderr, never on stdout; the final line has bytes, records and a rate.
tokcat --progress --count "$TESTS/golden/good/three-docs.jsonl.zst"
