# Signatures made with other parameters cannot be merged: exit 1.
dedup sign --ngram 3 -o a.sig "$TESTS/data/dedup/small.jsonl"
dedup merge -q a.sig
