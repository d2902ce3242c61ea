# A vocab.txt without [UNK]: exit 1.
printf 'run\n##ing\n' > vocab.txt
printf 'running' > in.txt
tokenize --vocab vocab.txt --text in.txt
