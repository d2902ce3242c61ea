# An index built with other signature parameters is refused: exit 1.
dedup -q --index idx.db "$TESTS/data/dedup/small.jsonl" > /dev/null
dedup -q --index idx.db --ngram 4 "$TESTS/data/dedup/small.jsonl" > /dev/null
