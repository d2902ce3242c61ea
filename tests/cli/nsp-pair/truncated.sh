# A cut stream: exit 1, and no output file left behind.
tokcat --pack --no-compress --vocab-size 200 --special cls=2 --special sep=3 "$TESTS/data/mask/docs.jsonl" > in.tok
head -c 500 in.tok > cut.tok
nsp-pair cut.tok -o out.tok
s=$?
test ! -e out.tok && exit $s
