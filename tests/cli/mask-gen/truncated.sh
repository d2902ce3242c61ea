tokcat --pack --no-compress --vocab-size 200 --special mask=4 "$TESTS/data/mask/docs.jsonl" > in.tok
head -c 700 in.tok | mask-gen > /dev/null
