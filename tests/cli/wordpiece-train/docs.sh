# Doc records (zstd) in; the text field alone is read.  -v reports counts.
printf '{"id":"a","text":"Caf\\u00e9 CAFE caf\\u00e9s","source":"x"}\n\n{"id":"b","text":"\\u5317\\u4eac caf\\u00e9"}\n' | zstd -q > in.jsonl.zst
wordpiece-train -v --vocab-size 40 -o out in.jsonl.zst
tr '\n' ' ' < out/vocab.txt; echo
