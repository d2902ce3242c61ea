# --lines: a line in 3+ documents is removed from all but the first;
# a document left empty is dropped (--min-length 1) and reported.
printf '%s\n' '{"id":"1","text":"Home | About\nFirst story here.\nCopyright 2023"}' \
	'{"id":"2","text":"Home | About\nSecond story.\nCopyright 2024"}' \
	'{"id":"3","text":"Home | About\nCopyright 1999"}' \
	'{"id":"4","text":"Home | About\nFourth story."}' > in.jsonl
dedup -q --lines --no-compress --report rep.jsonl in.jsonl
cat rep.jsonl
dedup -q --lines --line-count 5 --no-compress in.jsonl | cmp - in.jsonl && echo unchanged
