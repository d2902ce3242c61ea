# One 100 MB document, generated here: encoded as one record in parallel
# pieces, decoded back to the same bytes.
f="$TESTS/data/bpe/train.txt"
bpe-train --vocab-size 2000 --initial-alphabet bytes --lines -o v "$f"
n=$(wc -c < "$f")
for i in $(seq 1 $(( 100 * 1024 * 1024 / n + 1 ))); do cat "$f"; done | head -c 104857600 > big.txt
tokenize --vocab v --text big.txt -o big.tok
tokcat --count big.tok | jq -c '{records, ok: (.tokens > 20000000)}'
tokenize --vocab v --decode --text big.tok | cmp - big.txt && echo same
