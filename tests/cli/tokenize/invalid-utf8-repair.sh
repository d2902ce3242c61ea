# With --repair-utf8 the bad bytes become U+FFFD and the record is encoded.
bpe-train --vocab-size 300 --initial-alphabet bytes --lines -o v "$TESTS/data/bpe/train.txt"
printf '{"id":"a","text":"ok"}\n{"id":"b","text":"bad \xff here"}\n' > d.jsonl
tokenize --vocab v --repair-utf8 d.jsonl | tokenize --vocab v --decode --no-compress
