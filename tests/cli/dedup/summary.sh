# The summary on stderr: docs in, kept, removed per level, cluster sizes.
dedup --exact --near "$TESTS/data/dedup/small.jsonl" >/dev/null
