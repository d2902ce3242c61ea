# A keep-list applied to another shard is refused: exit 1, nothing written.
f=$TESTS/data/dedup/small.jsonl
head -n 6 "$f" > s1.jsonl
tail -n 6 "$f" > s2.jsonl
dedup sign -o s1.sig s1.jsonl
dedup merge -q s1.sig
dedup filter -q --keep s1.sig.keep -o out.zst s2.jsonl
