# sign per shard, merge, filter per shard == one shot over the same shards.
f=$TESTS/data/dedup/small.jsonl
head -n 6 "$f" > s1.jsonl
tail -n +7 "$f" > s2.jsonl
cp s1.jsonl s3.jsonl
mkdir keep
L="--exact --near --lines"
for s in s1 s2 s3; do dedup sign $L -o $s.sig $s.jsonl; done
dedup merge -q $L --keep-dir keep s1.sig s2.sig s3.sig
for s in s1 s2 s3; do
	dedup filter -q $L --no-compress --keep keep/$s.sig.keep --report r$s.jsonl $s.jsonl
done > phased.jsonl
cat rs1.jsonl rs2.jsonl rs3.jsonl > phased-rep.jsonl
dedup -q $L --no-compress --report oneshot-rep.jsonl s1.jsonl s2.jsonl s3.jsonl > oneshot.jsonl
cmp phased.jsonl oneshot.jsonl && cmp phased-rep.jsonl oneshot-rep.jsonl && echo same
grep -c '"level":"exact","similarity":1' rs3.jsonl
# merge writes SIG.keep beside each signature file without --keep-dir
dedup merge -q $L s1.sig && test -s s1.sig.keep && echo beside
