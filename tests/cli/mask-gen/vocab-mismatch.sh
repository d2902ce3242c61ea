tokcat --pack --vocab-size 200 --special mask=4 "$TESTS/data/mask/docs.jsonl" > in.tok
mask-gen --vocab "$TESTS/data/mask/bpe" in.tok > /dev/null
