# A text-to-text record without a target: file, record and byte offset.
printf 'a b c\n' > w.txt
bpe-train --vocab-size 40 --special-tokens '<|endoftext|>' --text -o tok -q w.txt
printf '{"input":"a","target":"b"}\n{"input":"a b","x":[1]}\n' > t.jsonl
train --model t5-tiny --text t.jsonl -t tok --steps 1
