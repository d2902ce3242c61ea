bpe-train --pattern '(a' -o out "$TESTS/data/bpe/train.txt"
