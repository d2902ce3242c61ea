# --max-words prunes the rarest words after each batch, the same for any -j.
f="$TESTS/data/bpe/train.txt"
for i in $(seq 1 150); do sed "s/^/$i /" "$f"; done > many.txt
for j in 1 3; do
	bpe-train -j $j -v --max-words 500 --vocab-size 400 --lines -o o$j many.txt 2> log$j
done
cmp o1/merges.txt o3/merges.txt && echo same
sed 's/.*words=\([0-9]*\) pruned=\([0-9]*\).*/\1 \2/' log1 | awk '{ print ($1 <= 500), ($2 > 0) }'
