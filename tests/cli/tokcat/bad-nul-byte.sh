tokcat $TESTS/golden/bad/nul-byte.jsonl
