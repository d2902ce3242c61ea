# --skip-unknown drops bytes without a token (as HuggingFace without an
# unk_token), and its neighbours still merge; the drop is counted.
bpe-train --vocab-size 300 --lines -o v "$TESTS/data/bpe/train.txt"
printf '{"id":"a","text":"th\\u0001e"}\n' > d.jsonl
tokenize --vocab v --skip-unknown d.jsonl | tokcat | jq -c .tokens
printf '{"id":"a","text":"the"}\n' > e.jsonl
tokenize --vocab v e.jsonl | tokcat | jq -c .tokens
