tokcat does-not-exist.jsonl
