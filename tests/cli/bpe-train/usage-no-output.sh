bpe-train --vocab-size 100 "$TESTS/data/bpe/train.txt"
