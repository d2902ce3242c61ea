# A truncated token stream: exit 1 with the place, no folder left behind.
shard -o out "$TESTS/golden/bad/truncated-record.tok"
rc=$?
ls
exit $rc
