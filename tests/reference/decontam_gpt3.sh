#!/usr/bin/env bash
# decontam_gpt3.sh - benchmark-decontaminate against an independent
# implementation of the GPT-3 decontamination rules (Brown et al. 2020,
# appendix C) in Python, which uses Python's own Unicode tables
# (unicodedata, str.casefold) and compares n-grams as strings, not hashes.
#
# The rules, as lm-evaluation-harness's Janitor also implements them: a gram
# is a lowercased whitespace-delimited word with punctuation removed; a
# document hits when it shares an n-gram with a benchmark example; redaction
# cuts each hit with 200 characters on each side, drops pieces under 200
# characters and documents split into more than 10 pieces.  Generated text
# mixes case, punctuation, accents, full-width Latin, Greek, Cyrillic and
# Japanese; checked: drop, redact and flag output, and the report, with and
# without --char-ngrams, and with --short-examples (GPT-3: an example shorter
# than 13 words is dirty when it occurs whole).  Exits nonzero on any
# difference.
set -euo pipefail
work=$(mktemp -d "${TMPDIR:-/tmp}/ptk-ref-decontam.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

cat > ref.py <<'PY'
import json, random, sys, unicodedata

N, WINDOW, MIN_PIECE, MAX_PIECES = 13, 200, 200, 10
NOSPACE = [(0x3040, 0x30FF), (0x31F0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
           (0xF900, 0xFAFF), (0xFF66, 0xFF9F), (0x20000, 0x3134F), (0x0E00, 0x0EFF),
           (0x1000, 0x109F), (0x1780, 0x17FF)]

def is_space(c):
    return c in "\t\n\x0b\x0c\r\x85" or unicodedata.category(c) in ("Zs", "Zl", "Zp")

def dropped(c):
    cat = unicodedata.category(c)
    return cat[0] in "PS" or cat in ("Cc", "Cf", "Cs")

def norm_char(c):
    out = []
    for d in unicodedata.normalize("NFKD", c.casefold()):
        if not dropped(d):
            out.append(d)
    return "".join(out)

def units(text, char_ngrams):
    """[(normalised unit, start code point, end code point)]"""
    res, cur, start = [], [], None
    def close(end):
        nonlocal cur, start
        if start is not None and cur:
            res.append(("".join(cur), start, end))
        cur, start = [], None
    for i, c in enumerate(text):
        if is_space(c):
            close(i)
        elif char_ngrams and any(a <= ord(c) <= b for a, b in NOSPACE):
            close(i)
            u = "" if dropped(c) else norm_char(c)
            if u:
                res.append((u, i, i + 1))
        else:
            if start is None:
                start = i
            if not dropped(c):
                cur.append(norm_char(c))
    close(len(text))
    return res

def ngrams(us):
    return [" ".join(u[0] for u in us[i:i + N]) for i in range(len(us) - N + 1)]

def grams(us, lengths):
    """(position, length, gram) in position order, short lengths first."""
    out = []
    for i in range(len(us)):
        for L in lengths:
            if i + L <= len(us):
                out.append((i, L, " ".join(u[0] for u in us[i:i + L])))
    return out

def main():
    mode, char_ngrams, short = sys.argv[1], sys.argv[2] == "1", int(sys.argv[3])
    bench = [json.loads(l) for l in open("bench.jsonl", encoding="utf-8")]
    index, lengths = {}, {N}
    for k, ex in enumerate(bench):
        us = units(ex["q"], char_ngrams)
        if short and short <= len(us) < N:	# GPT-3: short examples whole
            index.setdefault(" ".join(u[0] for u in us), set()).add(k)
            lengths.add(len(us))
        for g in ngrams(us):
            index.setdefault(g, set()).add(k)
    lengths = sorted(lengths)
    out = open("want.jsonl", "w", encoding="utf-8")
    cont, docs_hit, ndocs_hit = set(), 0, 0
    for line in open("docs.jsonl", encoding="utf-8"):
        d = json.loads(line)
        us = units(d["text"], char_ngrams)
        hits = [(i, L) for i, L, g in grams(us, lengths) if g in index]
        exs = set()
        for i, L in hits:
            exs |= index[" ".join(u[0] for u in us[i:i + L])]
        if not hits:
            out.write(line)
            continue
        ndocs_hit += 1
        cont |= exs
        if mode == "drop":
            continue
        if mode == "flag":
            spans = []
            for i, L in hits:
                a, b = us[i][1], us[i + L - 1][2]
                if spans and spans[-1][1] >= a:
                    spans[-1][1] = max(spans[-1][1], b)
                else:
                    spans.append([a, b])
            ids = sorted(exs)
            d["metadata"] = {"contamination": {"hits": len(hits), "spans": spans,
                             "benchmarks": {"b": [bench[k]["id"] for k in ids]}}}
            out.write(json.dumps(d, ensure_ascii=False, separators=(",", ":")) + "\n")
            continue
        text, cuts = d["text"], []
        for i, L in hits:
            a = max(0, us[i][1] - WINDOW)
            b = min(len(text), us[i + L - 1][2] + WINDOW)
            if cuts and cuts[-1][1] >= a:
                cuts[-1][1] = max(cuts[-1][1], b)
            else:
                cuts.append([a, b])
        pieces, prev = [], 0
        for a, b in cuts + [[len(text), len(text)]]:
            if a > prev:
                pieces.append(text[prev:a])
            prev = b
        if len(pieces) > MAX_PIECES:
            continue
        kept = [p for p in pieces if len(p) >= MIN_PIECE]
        for j, p in enumerate(kept):
            out.write(json.dumps({"id": "%s#%d" % (d["id"], j), "text": p},
                                 ensure_ascii=False, separators=(",", ":")) + "\n")
    json.dump({"contaminated": [bench[k]["id"] for k in sorted(cont)],
               "documents_hit": ndocs_hit}, open("want_report.json", "w"))

def generate(seed):
    r = random.Random(seed)
    latin = ("the of and to in is that for it was with as on be at by this had not "
             "are but from or have an they which one you were her all she there would "
             "café naïve résumé Straße façade élan ÉCOLE Ärger Öl über").split()
    other = ["ＡＢＣ", "ｆｕｌｌ", "Ωμέγα", "λόγος", "Москва", "ДОМ", "x²", "ﬁne", "№5"]
    ja = "吾輩は猫である名前はまだ無いどこで生れたかとんと見当がつかぬ国境の長いトンネルを抜けると雪国であった"
    punct = [",", ".", "!", "?", ";", ":", "—", "…", "«", "»", "(", ")", "\"", "'", "-", "、", "。"]
    def word():
        x = r.random()
        if x < 0.75:
            w = r.choice(latin) + ("%d" % r.randrange(50) if r.random() < 0.3 else "")
        elif x < 0.85:
            w = r.choice(other)
        else:
            k = r.randrange(len(ja) - 4)
            w = ja[k:k + r.randrange(1, 5)]
        if r.random() < 0.2:
            w = w.upper() if r.random() < 0.5 else w.capitalize()
        if r.random() < 0.2:
            w = w + r.choice(punct)
        if r.random() < 0.05:
            w = r.choice(punct)
        return w
    def text(n):
        seps = [" "] * 20 + ["  ", "\n", "\t", "\u00a0", "\u3000"]
        return "".join(word() + r.choice(seps) for _ in range(n)).strip()
    bench = []
    for i in range(120):
        bench.append({"id": "e%d" % i, "q": text(r.randrange(8, 40))})
    with open("bench.jsonl", "w", encoding="utf-8") as f:
        for b in bench:
            f.write(json.dumps(b, ensure_ascii=False) + "\n")
    with open("docs.jsonl", "w", encoding="utf-8") as f:
        for i in range(800):
            t = text(r.randrange(0, 400))
            for _ in range(r.choice([0] * 8 + [1, 2, 12])):
                q = r.choice(bench)["q"]
                ws = q.split()
                if r.random() < 0.3 and len(ws) > 14:	# a near miss or a part
                    k = r.randrange(len(ws) - 12)
                    q = " ".join(ws[k:k + r.choice([12, 13, 14])])
                if r.random() < 0.5:
                    q = q.swapcase()
                ws = t.split(" ")
                k = r.randrange(len(ws) + 1)
                t = " ".join(ws[:k] + [q] + ws[k:])
            f.write(json.dumps({"id": "d%d" % i, "text": t}, ensure_ascii=False) + "\n")

if sys.argv[1] == "gen":
    generate(int(sys.argv[2]))
else:
    main()
PY

fail=0
for seed in 1 2; do
	python3 ref.py gen $seed
	for char in 0 1 s; do
		copt= short=0
		[ $char = 1 ] && copt=--char-ngrams
		# s: GPT-3's rule for examples under 13 words (matched whole)
		[ $char = s ] && copt="--short-examples 10" short=10 char=0
		for mode in drop redact flag; do
			python3 ref.py $mode $char $short
			benchmark-decontaminate --no-compress $copt --mode $mode -j 2 \
			    --bench b=bench.jsonl --report got_report.json docs.jsonl > got.jsonl
			jq -c '{contaminated: .benchmarks.b.contaminated_examples, documents_hit}' \
			    got_report.json > got_r.json
			jq -c . want_report.json > want_r.json
			# Compare as parsed JSON (escaping may differ between the two).
			if ! python3 -c '
import json, sys
a = [json.loads(l) for l in open("got.jsonl", encoding="utf-8")]
b = [json.loads(l) for l in open("want.jsonl", encoding="utf-8")]
if a != b:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            print("first difference at output record", i + 1, file=sys.stderr)
            print(" got: ", json.dumps(x, ensure_ascii=False)[:400], file=sys.stderr)
            print(" want:", json.dumps(y, ensure_ascii=False)[:400], file=sys.stderr)
            break
    print("records: got", len(a), "want", len(b), file=sys.stderr)
    sys.exit(1)
' || ! cmp -s got_r.json want_r.json; then
				echo "MISMATCH seed=$seed char_ngrams=$char short=$short mode=$mode" >&2
				diff got_r.json want_r.json >&2 || true
				fail=1
			else
				echo "ok seed=$seed char_ngrams=$char short=$short mode=$mode: $(wc -l < got.jsonl) records, $(jq -c .contaminated want_report.json | tr -cd , | wc -c) + 1 contaminated, $(jq .documents_hit want_report.json) documents hit"
			fi
		done
	done
done
exit $fail
