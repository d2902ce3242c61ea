# A malformed doc record: exit 1 with its place, and no output folder.
printf '{"id":"a","text":"fine"}\n{"id":"b","text":\n' > bad.jsonl
bpe-train -o out bad.jsonl
st=$?
test -e out && echo "output written"
exit $st
