tokcat $TESTS/golden/bad/truncated-header.tok
