tokcat $TESTS/golden/bad/truncated-record.tok >/dev/null
