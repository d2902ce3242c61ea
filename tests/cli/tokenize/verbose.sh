# -v ends with a summary: documents, tokens, text bytes, bytes per token.
f="$TESTS/data/bpe/train.txt"
bpe-train --vocab-size 1000 --initial-alphabet bytes --lines -o v "$f"
tokenize -v --vocab v --text "$f" > /dev/null
jq -R -c '{id: "l", text: .}' "$f" | tokenize -v --vocab v > /dev/null
