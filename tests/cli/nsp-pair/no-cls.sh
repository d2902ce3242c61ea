tokcat --pack --vocab-size 200 --special sep=3 "$TESTS/data/mask/docs.jsonl" > in.tok
nsp-pair in.tok -o out.tok
