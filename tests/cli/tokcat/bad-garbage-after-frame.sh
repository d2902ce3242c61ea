tokcat $TESTS/golden/bad/garbage-after-frame.zst >/dev/null
