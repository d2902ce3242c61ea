# A .tiktoken line that is not "<base64> <rank>": exit 1 with the line.
printf 'YQ== 0\nYg=x 1\n' > x.tiktoken
tokenize --vocab x.tiktoken --text "$TESTS/data/bpe/train.txt"
