# --eos with a vocabulary that has no end-of-text token: usage error.
bpe-train --vocab-size 300 --lines -o v "$TESTS/data/bpe/train.txt"
printf '{"id":"a","text":"hi"}\n' > d.jsonl
tokenize --vocab v --eos d.jsonl
