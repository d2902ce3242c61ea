tokcat --pack --vocab-size 200 "$TESTS/data/mask/docs.jsonl" > in.tok
pack-seq --no-sep in.tok -o no/such/dir/out.tok
