tokcat --pack --kind masked --vocab-size 200 "$TESTS/data/mask/docs.jsonl" > in.tok
pack-seq --no-sep in.tok > /dev/null
