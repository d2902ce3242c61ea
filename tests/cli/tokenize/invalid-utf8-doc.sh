# Invalid UTF-8 in a doc record: exit 1 with the record and offset.
bpe-train --vocab-size 300 --initial-alphabet bytes --lines -o v "$TESTS/data/bpe/train.txt"
printf '{"id":"a","text":"ok"}\n{"id":"b","text":"bad \xff here"}\n' > d.jsonl
tokenize --vocab v d.jsonl -o out.zst
st=$?
test -e out.zst && echo "output written"
exit $st
