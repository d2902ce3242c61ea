tokcat --pack --vocab-size 200 --special cls=2 "$TESTS/data/mask/docs.jsonl" > in.tok
sop-pair in.tok > /dev/null
