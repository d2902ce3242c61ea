tokcat $TESTS/golden/bad/invalid-json.jsonl >/dev/null
