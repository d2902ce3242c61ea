# Another pre-tokenization regex (digits one at a time): no token holds two
# digits, and tokenizer.json carries the pattern in a Split step.
bpe-train --vocab-size 1500 --pattern "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+" \
	--lines -o out "$TESTS/data/bpe/train.txt"
jq -r 'keys[]' out/vocab.json | grep -c '[0-9][0-9]'
jq -r '.pre_tokenizer.pretokenizers[0].pattern.Regex' out/tokenizer.json
