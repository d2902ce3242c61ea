# Empty inputs: a header and no records; an empty text record has no tokens.
printf '[UNK]\n[CLS]\n[SEP]\na\n' > vocab.txt
: > empty.jsonl
tokenize --vocab vocab.txt empty.jsonl | tokcat --count
printf '{"id":"e","text":""}\n{"id":"s","text":" \\t\\u0001 "}\n' > blank.jsonl
tokenize --vocab vocab.txt blank.jsonl | tokcat | jq -c '[.id, .tokens]'
tokenize --vocab vocab.txt --add-special blank.jsonl | tokcat | jq -c '[.id, .tokens]'
