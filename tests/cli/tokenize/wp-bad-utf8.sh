# Invalid UTF-8 in a plain-text input has no WordPiece token: exit 1.
printf '[UNK]\na\n' > vocab.txt
printf 'a \xff a' > in.txt
tokenize --vocab vocab.txt --text in.txt -o out.tok
