# A truncated zstd input: exit 1, nothing written.
for i in $(seq 1 2000); do printf '{"id":"%d","text":"word%d and more words"}\n' $i $i; done | zstd -q > full.zst
head -c 2000 full.zst > cut.zst
wordpiece-train -o out cut.zst 2>err.txt
echo "exit $?"
test -e out/vocab.txt && echo "vocab.txt written"
grep -c 'cut.zst' err.txt
