# Plain text in, vocab.txt and tokenizer.json out: BERT's special tokens
# first, then the alphabet by code point, then "##" characters, then merges.
printf 'Hello world! Unwanted running, running.\nThe runner runs.\n' > in.txt
wordpiece-train --text --vocab-size 60 -o out in.txt
head -12 out/vocab.txt | tr '\n' ' '; echo
wc -l < out/vocab.txt
tail -4 out/vocab.txt | tr '\n' ' '; echo
jq -c '[.normalizer, .pre_tokenizer.type, .model.type, .model.unk_token, .model.max_input_chars_per_word, (.model.vocab | length), .post_processor]' out/tokenizer.json
