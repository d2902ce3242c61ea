# Inputs with different vocabularies: exit 1, nothing written.
tokcat --pack --vocab-size 200 --special cls=2 --special sep=3 "$TESTS/data/mask/docs.jsonl" > a.tok
tokcat --pack --vocab-size 300 --special cls=2 --special sep=3 "$TESTS/data/mask/docs.jsonl" > b.tok
nsp-pair a.tok b.tok -o out.tok
s=$?
test ! -e out.tok && exit $s
