tokcat --pack --vocab-size 200 "$TESTS/data/mask/docs.jsonl" > in.tok
pack-seq in.tok > /dev/null
