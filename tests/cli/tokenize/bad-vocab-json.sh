# A truncated vocab.json: exit 1 with the file and byte offset.
mkdir v
printf '{"a": 0, "b": 1, "ab": ' > v/vocab.json
printf '#version: 0.2\na b\n' > v/merges.txt
tokenize --vocab v --text "$TESTS/data/bpe/train.txt"
