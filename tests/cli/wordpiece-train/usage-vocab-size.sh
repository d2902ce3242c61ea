# A vocabulary size with no room beyond the special tokens.
wordpiece-train --vocab-size 5 -o out /dev/null
