# The same vocabulary whatever the thread count, for both scores, from a
# text with many scripts (doc records and plain text give the same too).
for i in 1 2 3 4; do cat "$TESTS/data/wp/multilingual.txt"; done > in.txt
jq -R -c '{id: "x", text: .}' in.txt > in.jsonl
for score in bpe likelihood; do
	wordpiece-train --score $score -j 1 --text --vocab-size 3000 -o j1 in.txt
	wordpiece-train --score $score -j 2 --text --vocab-size 3000 -o j2 in.txt
	wordpiece-train --score $score -j 3 --vocab-size 3000 -o j3 in.jsonl
	cmp j1/vocab.txt j2/vocab.txt && cmp j1/tokenizer.json j2/tokenizer.json &&
	    cmp j1/vocab.txt j3/vocab.txt && echo "$score: same" || echo "$score: differ"
	wc -l < j1/vocab.txt
done
