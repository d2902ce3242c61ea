# A document id over the token format's 65535-byte cap: exit 1, no output.
bpe-train --vocab-size 300 --initial-alphabet bytes --lines -o v "$TESTS/data/bpe/train.txt"
printf '{"id":"%s","text":"hi"}\n' "$(head -c 70000 /dev/zero | tr '\0' x)" > d.jsonl
tokenize --vocab v d.jsonl -o out.zst
st=$?
test -e out.zst && echo "output written"
exit $st
