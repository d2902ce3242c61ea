# A byte the vocabulary has no token for: exit 1, naming the record.
bpe-train --vocab-size 300 --lines -o v "$TESTS/data/bpe/train.txt"
printf '{"id":"a","text":"ok"}\n{"id":"b","text":"\\u0001"}\n' > d.jsonl
tokenize --vocab v d.jsonl > /dev/null
