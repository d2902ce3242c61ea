# --lines --paragraphs: a paragraph in 2+ documents (--line-count 2) goes
# from all but the first; the blank lines around it go with it.
printf '%s\n' '{"id":"1","text":"Intro one.\n\nSubscribe to our\nnewsletter today!"}' \
	'{"id":"2","text":"Body two.\n\nsubscribe to  our\nnewsletter today\n\nEnd two."}' \
	'{"id":"3","text":"Subscribe to our\nnewsletter today!\n\nBody three."}' > in.jsonl
dedup -q --lines --paragraphs --line-count 2 --no-compress in.jsonl
