# --sentences: sentence bounds (token index where each sentence starts),
# shifted by [CLS] with --add-special; the tokens are those of the whole text.
printf '%s\n' '{"id":"d1","text":"Mr. Smith runs. He ran! Did he? Yes.\n\nA heading\n\nLast one."}' \
    '{"id":"d2","text":"\u4eca\u65e5\u306f\u6674\u308c\u3002\u660e\u65e5\u306f\u96e8\uff01"}' \
    '{"id":"d3","text":"  "}' > in.jsonl
wordpiece-train -q --vocab-size 200 -o v in.jsonl
tokenize --vocab v --sentences in.jsonl | tokcat | jq -c '[.id, .bounds]'
tokenize --vocab v --sentences --add-special in.jsonl | tokcat | jq -c '[.id, .bounds]'
a=$(tokenize --vocab v in.jsonl | tokcat | jq -c .tokens)
b=$(tokenize --vocab v --sentences in.jsonl | tokcat | jq -c .tokens)
[ "$a" = "$b" ] && echo "same tokens"
