# A WordPiece tokenizer.json whose vocab ids are not 0..N-1: exit 1.
printf '{"model":{"type":"WordPiece","vocab":{"[UNK]":0,"a":5}},"pre_tokenizer":{"type":"BertPreTokenizer"}}' > tokenizer.json
printf 'a' > in.txt
tokenize --vocab tokenizer.json --text in.txt
