tokcat $TESTS/golden/good/empty-frame.zst
