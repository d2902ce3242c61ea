# Empty input: a warning, and a vocabulary of the special tokens alone.
: > empty.txt
wordpiece-train --text -o out empty.txt
tr '\n' ' ' < out/vocab.txt; echo
printf '' | wordpiece-train -q -o out2
wc -l < out2/vocab.txt
