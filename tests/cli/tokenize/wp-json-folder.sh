# Our output folder, its tokenizer.json and its vocab.txt encode alike; a
# cased training is remembered by tokenizer.json (vocab.txt means uncased).
printf 'Hello World, hello Caf\xc3\xa9!\n' > in.txt
wordpiece-train -q --text --no-lowercase --vocab-size 40 -o v in.txt
for p in v v/tokenizer.json; do tokenize --vocab $p --text in.txt | tokenize --vocab $p --decode --text; echo; done
tokenize --vocab v/vocab.txt --text in.txt | tokenize --vocab v/vocab.txt --decode --text; echo
tokenize --vocab v/vocab.txt --cased --text in.txt | tokenize --vocab v --decode --text; echo
