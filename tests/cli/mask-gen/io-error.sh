tokcat --pack --vocab-size 200 --special mask=4 "$TESTS/data/mask/docs.jsonl" > in.tok
mask-gen in.tok -o no/such/dir/out.tok
