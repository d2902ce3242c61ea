tokcat $TESTS/golden/bad/corrupt-frame.zst >/dev/null
