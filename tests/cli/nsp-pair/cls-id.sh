# Ids the header lacks come from options and go into the output header.
tokcat --pack --vocab-size 200 "$TESTS/data/mask/docs.jsonl" > in.tok
nsp-pair --cls-id 2 --sep-id 3 in.tok | tokcat --header | head -2
