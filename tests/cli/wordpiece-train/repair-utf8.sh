# --repair-utf8 drops invalid sequences (counted) and trains on the rest.
printf 'good line\nbad \xff byte\xc3\n' > in.txt
wordpiece-train --text --repair-utf8 --vocab-size 20 -o out in.txt
grep -c . out/vocab.txt
