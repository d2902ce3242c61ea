# Empty input: a stream with a header and no records; empty text: a record
# with no tokens.
bpe-train --vocab-size 300 --lines -o v "$TESTS/data/bpe/train.txt"
: > empty.jsonl
tokenize --vocab v empty.jsonl | tokcat --count
: > empty.txt
tokenize --vocab v --text empty.txt | tokcat
tokenize --vocab v --text empty.txt | tokenize --vocab v --decode --text | wc -c
