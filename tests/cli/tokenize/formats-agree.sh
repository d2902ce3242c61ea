# The folder, its tokenizer.json and its vocab.json give the same stream
# (same ids, same fingerprint); so does the same vocabulary as .tiktoken.
f="$TESTS/data/bpe/train.txt"
bpe-train --vocab-size 400 --initial-alphabet bytes --lines -o v "$f"
tokenize --vocab v --text "$f" --no-compress > a.tok
tokenize --vocab v/tokenizer.json --text "$f" --no-compress > b.tok
tokenize --vocab v/vocab.json --text "$f" --no-compress > c.tok
cp "$TESTS/data/bpe/small.tiktoken" .
tokenize --vocab small.tiktoken --text "$f" --no-compress > d.tok
cmp a.tok b.tok && cmp a.tok c.tok && cmp a.tok d.tok && echo same
printf 'The Program, as modified: "free software" is 1234 things.\n' > s.txt
tokenize --vocab small.tiktoken --text s.txt | tokcat --header
