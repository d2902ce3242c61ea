# Special tokens take ids 0.. in order and are added tokens of tokenizer.json.
bpe-train --vocab-size 300 --special-tokens '<|endoftext|>,<pad>' --special-tokens '<mask>' \
	--text -o out "$TESTS/data/bpe/train.txt"
jq -c '[.["<|endoftext|>"], .["<pad>"], .["<mask>"], length]' out/vocab.json
jq -c '[.added_tokens[] | [.id, .content, .special]]' out/tokenizer.json
