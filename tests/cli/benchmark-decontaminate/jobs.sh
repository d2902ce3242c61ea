# Output and report are identical for any -j (input order kept).
python3 - <<'PY'
import json, random
r = random.Random(7)
words = "the of and to in a is that for it as was with be by on not he this are or his from at which".split() + ["w%d" % i for i in range(3000)]
bench = []
with open("bench.jsonl", "w") as b:
    for i in range(300):
        t = " ".join(r.choice(words) for _ in range(25))
        bench.append(t)
        b.write(json.dumps({"id": "e%d" % i, "q": t}) + "\n")
with open("docs.jsonl", "w") as d:
    for i in range(20000):
        t = " ".join(r.choice(words) for _ in range(r.randrange(20, 200)))
        if i % 50 == 0:
            t += " " + r.choice(bench).upper() + " " + t
        d.write(json.dumps({"id": "d%d" % i, "text": t}) + "\n")
PY
for j in 1 2 3 8; do
	benchmark-decontaminate -j $j --mode redact --window 20 --min-piece 30 --bench b=bench.jsonl --report r$j.json -o out$j.zst docs.jsonl
done
for j in 2 3 8; do cmp out1.zst out$j.zst && cmp r1.json r$j.json || echo "differs at -j $j"; done
zstd -dc out1.zst | wc -l
jq -c '{documents, documents_hit, documents_redacted}' r1.json
