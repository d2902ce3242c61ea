# A malformed training record: exit 1, nothing written to -o.
{ head -n 2 $TESTS/data/decontam/docs.jsonl; echo '{"id":"x","text":"unterminated}'; } > d.jsonl
benchmark-decontaminate --bench qa=$TESTS/data/decontam/bench.jsonl -o out.zst d.jsonl
rc=$?
test -e out.zst && echo "out.zst written"
exit $rc
