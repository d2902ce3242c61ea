# Byte-identical output for any -j: many small records, and one long
# document that is cut into pieces for the threads.
f="$TESTS/data/bpe/train.txt"
bpe-train --vocab-size 1000 --initial-alphabet bytes --special-tokens '<|endoftext|>' --lines -o v "$f"
jq -R -c '{id: "x", text: .}' "$f" > docs.jsonl
for i in $(seq 1 60); do cat "$f"; echo '<|endoftext|>'; done > long.txt
for j in 1 2 3 4; do
	tokenize -j $j --vocab v --eos docs.jsonl --no-compress > d$j.tok
	tokenize -j $j --vocab v --text long.txt "$f" --no-compress > t$j.tok
done
for j in 2 3 4; do cmp d1.tok d$j.tok && cmp t1.tok t$j.tok; done && echo same
# the long text encodes as the sum of its parts
tokenize --vocab v --text "$f" | tokcat | jq '.tokens | length' > one
tokcat t1.tok | jq -c '.tokens | length' | head -1 > sixty
echo $(( $(cat one) * 60 + 60 * 2 )) $(cat sixty)
