# Two tokens with one id: exit 1.
mkdir v
printf '{"a": 0, "b": 0}' > v/vocab.json
printf '#version: 0.2\n' > v/merges.txt
tokenize --vocab v --text "$TESTS/data/bpe/train.txt"
