tokcat $TESTS/golden/bad/lone-surrogate.jsonl
