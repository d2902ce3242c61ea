# Decoding with another vocabulary than the stream's: exit 1.
f="$TESTS/data/bpe/train.txt"
bpe-train --vocab-size 300 --initial-alphabet bytes --lines -o a "$f"
bpe-train --vocab-size 301 --initial-alphabet bytes --lines -o b "$f"
tokenize --vocab a --text "$f" | tokenize --vocab b --decode --text > /dev/null
