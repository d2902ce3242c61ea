tokcat $TESTS/golden/bad/wrong-magic.tok
