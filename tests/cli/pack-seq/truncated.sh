tokcat --pack --no-compress --vocab-size 200 "$TESTS/data/mask/docs.jsonl" > in.tok
head -c 600 in.tok | pack-seq --no-sep > /dev/null
