# A merge of a token that is not in vocab.json: exit 1 with the line.
mkdir v
printf '{"a": 0, "b": 1, "ab": 2}' > v/vocab.json
printf '#version: 0.2\na b\nab c\n' > v/merges.txt
tokenize --vocab v --text "$TESTS/data/bpe/train.txt"
