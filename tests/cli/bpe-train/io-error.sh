# The output folder cannot be created: exit 3.
bpe-train --text -o /proc/no-such-dir/out "$TESTS/data/bpe/train.txt"
