# The exit status of bad input data itself (invalid UTF-8 in the text).
printf '{"id":"a","text":"bad \377 byte"}\n' > bad.jsonl
dedup -q --no-compress bad.jsonl
