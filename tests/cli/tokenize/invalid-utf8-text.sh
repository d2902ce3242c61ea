# Plain text with invalid UTF-8 and NUL bytes round-trips byte for byte.
bpe-train --vocab-size 500 --initial-alphabet bytes --lines -o v "$TESTS/data/bpe/train.txt"
printf 'caf\xe9 \xff\xfe\x00 ok \xc3\x28 \xe2\x82 end\xf0\x9f\x98\n\x80' > bad.txt
tokenize --vocab v --text bad.txt | tokenize --vocab v --decode --text | cmp - bad.txt && echo same
# as doc records, the decoded text is refused: it is not UTF-8
tokenize --vocab v --text bad.txt | tokenize --vocab v --decode --no-compress
