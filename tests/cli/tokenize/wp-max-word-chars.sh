# Words over max_input_chars_per_word (100 by default, as HuggingFace) are
# [UNK]; --max-word-chars 200 is BERT's original limit.
printf '[UNK]\na\n##a\n' > vocab.txt
{ head -c 100 /dev/zero | tr '\0' a; echo; } > w100.txt
{ head -c 101 /dev/zero | tr '\0' a; echo; } > w101.txt
for f in w100.txt w101.txt; do
	tokenize --vocab vocab.txt --text $f | tokcat | jq -c '.tokens | [length, .[0]]'
	tokenize --vocab vocab.txt --text --max-word-chars 200 $f | tokcat | jq -c '.tokens | [length, .[0]]'
done
