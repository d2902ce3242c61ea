bpe-train -o out no-such-file.jsonl
