# Special tokens in the text are matched before pre-tokenization (longest
# first); --ignore-special encodes them as plain text.
f="$TESTS/data/bpe/train.txt"
bpe-train --vocab-size 500 --initial-alphabet bytes --special-tokens '<|endoftext|>,<|end|>' --lines -o v "$f"
printf 'a<|endoftext|>b <|end|><|endoftext|>' > s.txt
tokenize --vocab v --text s.txt | tokcat | jq -c .tokens
tokenize --vocab v --text s.txt --ignore-special | tokcat | jq -c '[.tokens[] | select(. < 2)] | length'
tokenize --vocab v --text s.txt --ignore-special | tokenize --vocab v --decode --text
echo
