# An output folder that cannot be created: exit 3.
printf 'text\n' > in.txt
wordpiece-train --text -o /proc/no/such/dir in.txt
