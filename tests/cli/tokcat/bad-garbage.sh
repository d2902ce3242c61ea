tokcat $TESTS/golden/bad/garbage.bin
