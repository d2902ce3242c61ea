# No text: a valid (alphabet-only) vocabulary and a warning.
: > empty.jsonl
bpe-train --vocab-size 100 --initial-alphabet bytes -o out empty.jsonl
jq length out/vocab.json
wc -l < out/merges.txt
