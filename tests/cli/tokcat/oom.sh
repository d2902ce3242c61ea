# Out of memory is an environment failure: exit 3 with a message.
PTK_FAIL_ALLOC_AFTER=3 tokcat "$TESTS/golden/good/three-docs.jsonl" >/dev/null
