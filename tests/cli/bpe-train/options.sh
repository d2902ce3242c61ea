# --max-token-length, --limit-alphabet, --min-frequency and --initial-alphabet
# do what they say.
f="$TESTS/data/bpe/train.txt"
bpe-train --vocab-size 2000 --max-token-length 4 --lines -o a "$f"
# byte-level spellings: one character per byte
jq '[keys[] | select(length > 4)] | length' a/vocab.json
jq '[keys[] | select(length == 4)] | length > 0' a/vocab.json
bpe-train --vocab-size 2000 --limit-alphabet 40 --lines -o b "$f"
jq -r 'to_entries[] | select(.value < 40) | .key' b/vocab.json | wc -l
jq -r 'to_entries[] | select(.value == 40) | .key | length' b/vocab.json
bpe-train --vocab-size 5000 --min-frequency 50 --lines -o c "$f"
jq length c/vocab.json
bpe-train --vocab-size 300 --initial-alphabet bytes --lines -o d "$f"
jq -c '[length, .["Ā"], .["ÿ"]]' d/vocab.json
