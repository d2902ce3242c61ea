tokcat $TESTS/golden/bad/invalid-utf8.jsonl >/dev/null
