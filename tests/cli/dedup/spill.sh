# A tiny --mem makes every external sort spill runs to disk and merge them;
# the output must not change.
awk 'BEGIN { for (i = 0; i < 4000; i++) {
	t = ""; for (w = 0; w < 30; w++) t = t " w" ((i % 900) * 5 + w) ((w == i % 30) ? "y" : "");
	printf "{\"id\":\"d%d\",\"text\":\"nav bar\\n%s\\nfooter %d\"}\n", i, t, i % 10 } }' > in.jsonl
mkdir tmp
dedup -q --exact --near --lines --no-compress --report r1.jsonl in.jsonl > big.jsonl
dedup -q --exact --near --lines --no-compress --mem 1M --tmp-dir tmp --report r2.jsonl in.jsonl > small.jsonl
cmp big.jsonl small.jsonl && cmp r1.jsonl r2.jsonl && echo same
ls tmp | wc -l
