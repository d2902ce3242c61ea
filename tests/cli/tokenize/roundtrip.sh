# Doc records -> token records -> doc records gives back every text.
f="$TESTS/data/bpe/train.txt"
bpe-train --vocab-size 1000 --initial-alphabet bytes --lines -o v "$f"
jq -R -c '{id: ("d" + (input_line_number | tostring)), text: .}' "$f" > docs.jsonl
tokenize --vocab v docs.jsonl -o t.zst
tokenize --vocab v --decode t.zst --no-compress > back.jsonl
jq -c '{id, text}' docs.jsonl | cmp - back.jsonl && echo same
tokcat --count t.zst | jq -c '{records, ok: (.tokens > 1000)}'
