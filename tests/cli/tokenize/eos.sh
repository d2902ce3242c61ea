# --eos ends each record with <|endoftext|>; the header names it.
f="$TESTS/data/bpe/train.txt"
bpe-train --vocab-size 300 --initial-alphabet bytes --special-tokens '<|endoftext|>' --lines -o v "$f"
printf '{"id":"a","text":"hi"}\n{"id":"b","text":""}\n' > d.jsonl
tokenize --vocab v --eos d.jsonl | tokcat --header
