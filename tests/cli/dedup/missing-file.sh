# An input that cannot be opened is an I/O error: exit 3.
dedup -q no-such-file.jsonl > /dev/null
