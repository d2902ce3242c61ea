# --repair-utf8 replaces invalid UTF-8 with U+FFFD, counts it, and writes the canonical form.
tokcat --repair-utf8 "$TESTS/golden/bad/invalid-utf8.jsonl"
