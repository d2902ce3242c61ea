tokcat --pack --vocab-size 200 --special cls=2 --special sep=3 "$TESTS/data/mask/docs.jsonl" > in.tok
mask-gen --mask-id 4 --pad-id 0 in.tok | tokcat --header | head -1
