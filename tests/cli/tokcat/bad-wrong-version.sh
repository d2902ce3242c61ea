tokcat $TESTS/golden/bad/wrong-version.tok
