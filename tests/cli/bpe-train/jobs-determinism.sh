# The same files for any thread count, from doc records and from one long
# text (cut into pieces for the threads).
jq -R -c '{id: "l", text: .}' "$TESTS/data/bpe/train.txt" > docs.jsonl
for i in 1 2 3 4 5 6 7 8; do cat "$TESTS/data/bpe/train.txt"; done > big.txt
for j in 1 2 3; do
	bpe-train -j $j --vocab-size 600 -o d$j docs.jsonl
	bpe-train -j $j --vocab-size 600 --text -o t$j big.txt
done
for f in vocab.json merges.txt tokenizer.json; do
	cmp d1/$f d2/$f && cmp d1/$f d3/$f && cmp t1/$f t2/$f && cmp t1/$f t3/$f
done
echo same
