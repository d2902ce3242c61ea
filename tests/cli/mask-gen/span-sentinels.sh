# More noise spans than sentinels: exit 1 naming the record, no output.
tokcat --pack --vocab-size 200 "$TESTS/data/mask/docs.jsonl" > in.tok
mask-gen --span --sentinels 2 in.tok -o out.tok
s=$?
test ! -e out.tok && exit $s
