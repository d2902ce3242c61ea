nsp-pair no-such-file.tok > /dev/null
