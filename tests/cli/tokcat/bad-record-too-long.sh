tokcat $TESTS/golden/bad/record-too-long.tok
