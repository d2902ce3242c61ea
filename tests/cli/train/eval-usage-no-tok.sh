train eval --task t.jsonl --tokenizer v.tiktoken
