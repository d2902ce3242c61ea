tokcat --pack --vocab-size 200 --special cls=2 --special sep=3 "$TESTS/data/mask/docs.jsonl" > in.tok
mask-gen in.tok -o out.tok
