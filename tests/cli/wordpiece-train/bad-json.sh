# A malformed doc record: exit 1 with the file, record and byte; no output.
printf '{"id":"a","text":"fine"}\n{"id":"b","text":"broken}\n' > in.jsonl
wordpiece-train -o out in.jsonl
rc=$?
test -e out/vocab.txt && echo "vocab.txt written"
exit $rc
