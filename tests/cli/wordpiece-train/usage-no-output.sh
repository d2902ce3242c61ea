# -o DIR is required: a usage error.
printf 'text\n' | wordpiece-train --text
