tokcat --pack --kind masked --vocab-size 200 --special mask=4 "$TESTS/data/mask/docs.jsonl" > in.tok
mask-gen in.tok > /dev/null
