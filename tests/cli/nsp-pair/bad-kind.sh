tokcat --pack --kind masked --vocab-size 200 "$TESTS/data/mask/docs.jsonl" > in.tok
nsp-pair --cls-id 2 --sep-id 3 in.tok > /dev/null
