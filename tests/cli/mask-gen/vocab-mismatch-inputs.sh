tokcat --pack --vocab-size 200 --special mask=4 "$TESTS/data/mask/docs.jsonl" > a.tok
tokcat --pack --vocab-size 200 --special mask=4 --fingerprint 1234 "$TESTS/data/mask/docs.jsonl" > b.tok
mask-gen a.tok b.tok > /dev/null
