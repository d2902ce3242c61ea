# Invalid UTF-8 in plain text: exit 1 with its byte offset.
printf 'good line\nbad \xff byte\n' > in.txt
wordpiece-train --text -o out in.txt
