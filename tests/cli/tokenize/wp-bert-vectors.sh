# BERT's tokenization_test.py vocabulary: "UNwant\u00E9d,running" encodes to
# un ##want ##ed , runn ##ing = [7, 4, 5, 10, 8, 9] (uncased by default, no
# [CLS]/[SEP]); --cased keeps "UN" and the accent, so the word is [UNK].
printf 'UNwant\xc3\xa9d,running' > in.txt
v=$TESTS/data/wp/bert-test-vocab.txt
tokenize --vocab "$v" --text in.txt | tokcat | jq -c .tokens
tokenize --vocab "$v" --text --cased in.txt | tokcat | jq -c .tokens
tokenize --vocab "$v" --text --add-special in.txt | tokcat | jq -c .tokens
tokenize --vocab "$v" --text in.txt | tokenize --vocab "$v" --decode --text; echo
tokenize --vocab "$v" --text in.txt | tokcat --header | head -1 | jq -c '.header | [.vocab_size, .special]'
