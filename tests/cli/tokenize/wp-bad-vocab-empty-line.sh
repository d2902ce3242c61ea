# A vocab.txt with an empty line: exit 1 with the line number.
printf '[UNK]\nrun\n\n##ing\n' > vocab.txt
printf 'running' > in.txt
tokenize --vocab vocab.txt --text in.txt
