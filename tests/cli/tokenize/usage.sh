tokenize "$TESTS/data/bpe/train.txt"
