tokcat $TESTS/golden/bad/token-out-of-vocab.tok
