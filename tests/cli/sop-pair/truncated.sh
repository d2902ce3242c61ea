tokcat --pack --no-compress --vocab-size 200 --special cls=2 --special sep=3 "$TESTS/data/mask/docs.jsonl" > in.tok
head -c 500 in.tok | sop-pair > /dev/null
