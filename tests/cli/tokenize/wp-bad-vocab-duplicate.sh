# A vocab.txt with a token twice: exit 1 naming both lines.
printf '[UNK]\nrun\n##ing\nrun\n' > vocab.txt
printf 'running' > in.txt
tokenize --vocab vocab.txt --text in.txt
