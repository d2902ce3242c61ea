tokcat $TESTS/golden/bad/header-checksum.tok
