# A long plain-text document is cut at whitespace and encoded in parallel:
# the same bytes for any -j, the same tokens as line by line.
for i in $(seq 1 40); do cat "$TESTS/data/wp/multilingual.txt"; done > big.txt
wordpiece-train -q --text --vocab-size 2000 -o v "$TESTS/data/wp/multilingual.txt"
tokenize -j 1 --vocab v --text big.txt -o j1.tok
tokenize -j 2 --vocab v --text big.txt -o j2.tok
tokenize -j 3 --vocab v/vocab.txt --text big.txt -o j3.tok
cmp j1.tok j2.tok && cmp j1.tok j3.tok && echo same
jq -R -c '{id: "x", text: .}' big.txt > big.jsonl
a=$(tokcat j1.tok | jq -c '.tokens | length')
b=$(tokenize --vocab v big.jsonl | tokcat | jq -s -c 'map(.tokens | length) | add')
[ "$a" = "$b" ] && echo "same count"
