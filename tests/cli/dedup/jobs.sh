# Output is byte-identical for any -j (3000 documents, many duplicates).
awk 'BEGIN { for (i = 0; i < 3000; i++) {
	t = ""; for (w = 0; w < 40; w++) t = t " word" ((i % 400) * 7 + w) ((w == i % 40) ? "x" : "");
	printf "{\"id\":\"d%d\",\"text\":\"%s\\nfooter line\"}\n", i, t } }' > in.jsonl
for j in 1 2 4; do
	dedup -q --lines --exact --near -j $j --report rep$j.jsonl in.jsonl > out$j.zst
done
cmp out1.zst out2.zst && cmp out1.zst out4.zst && cmp rep1.jsonl rep2.jsonl && cmp rep1.jsonl rep4.jsonl && echo identical
test "$(wc -l < rep1.jsonl)" -gt 2000 && echo removed-many
