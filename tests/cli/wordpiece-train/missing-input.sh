# An input that cannot be opened: exit 3 (environment), no output.
wordpiece-train -o out does-not-exist.jsonl
rc=$?
test -e out/vocab.txt && echo "vocab.txt written"
exit $rc
