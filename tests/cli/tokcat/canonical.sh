# --canonical rewrites every doc record: fixed member order, minimal escapes; a fixed point.
printf '{"zz":1, "text":"caf\\u00e9 \\/ \\ud83d\\ude00","url":null,"metadata":{"a":1},"id":"x"}\n' > in.jsonl
tokcat --canonical in.jsonl | tee once.jsonl
tokcat --canonical once.jsonl | cmp - once.jsonl
