tokcat $TESTS/golden/bad/truncated-frame.zst >/dev/null
