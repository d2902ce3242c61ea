# A damaged signature file is bad input: exit 1 and nothing written.
dedup sign -o a.sig "$TESTS/data/dedup/small.jsonl"
printf 'X' | dd of=a.sig bs=1 seek=200 conv=notrunc 2>/dev/null
dedup merge -q a.sig
