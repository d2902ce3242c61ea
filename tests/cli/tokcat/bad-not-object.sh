tokcat $TESTS/golden/bad/not-object.jsonl
