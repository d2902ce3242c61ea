# Concatenated token streams must agree on the vocabulary.
tokcat --pack --vocab-size 100 "$TESTS/golden/good/tokens.jsonl" -o a.zst
tokcat --pack --vocab-size 200 "$TESTS/golden/good/tokens.jsonl" -o b.zst
cat a.zst b.zst | tokcat --count
