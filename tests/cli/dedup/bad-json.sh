# A malformed record: exit 1, the file, record and byte offset; no output.
printf '%s\n' '{"id":"a","text":"fine"}' '{"id":"b","text":' > bad.jsonl
dedup --no-compress -o out.jsonl bad.jsonl
echo "exit $?"
test -e out.jsonl || echo no-output
