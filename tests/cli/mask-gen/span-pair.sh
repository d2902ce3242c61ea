tokcat --pack --kind pair --vocab-size 200 "$TESTS/data/mask/docs.jsonl" > in.tok
mask-gen --span in.tok > /dev/null
