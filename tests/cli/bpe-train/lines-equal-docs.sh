# --lines is doc records of each line with its newline; --text of a file
# without blank-line runs is the same as well.
f="$TESTS/data/bpe/train.txt"
jq -R -c '{id: "l", text: (. + "\n")}' "$f" > docs.jsonl
bpe-train --vocab-size 800 --lines -o a "$f"
bpe-train --vocab-size 800 -o b docs.jsonl
cmp a/merges.txt b/merges.txt && cmp a/vocab.json b/vocab.json && echo same
