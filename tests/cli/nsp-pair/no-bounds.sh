# Without sentence bounds every document is one sentence: a warning.
jq -c 'del(.bounds)' "$TESTS/data/mask/docs.jsonl" | tokcat --pack --vocab-size 200 --special cls=2 --special sep=3 > in.tok
nsp-pair in.tok | tokcat | jq -s '[.[].label] | unique'
