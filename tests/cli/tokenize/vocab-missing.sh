tokenize --vocab no-such-vocab --text "$TESTS/data/bpe/train.txt"
