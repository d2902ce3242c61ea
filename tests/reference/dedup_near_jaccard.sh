#!/usr/bin/env bash
# dedup --near against exact Jaccard similarity computed independently (in
# Python, from the documented normalisation and shingles).  Documents are
# real text (the licences Debian ships), with near-duplicates injected at
# word edit rates from 0.5% to 20%.  Checks: recall >= 0.95 for injected
# pairs with Jaccard >= 0.85; every near pair reported has Jaccard >= 0.7;
# the similarity reported is within 0.02 of the exact one on average.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bench=$here/../../bench/dedup
work=$(mktemp -d "${TMPDIR:-/tmp}/ref-dedup.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
cat /usr/share/common-licenses/* > corpus.txt
python3 "$bench/make_docs.py" corpus.txt docs.jsonl truth.jsonl \
	--doc-bytes 600 --exact-frac 0.1 --near-frac 0.85 --seed 3
dedup -q --no-compress --report report.jsonl docs.jsonl > kept.jsonl
python3 "$bench/quality.py" docs.jsonl truth.jsonl report.jsonl > q.json
python3 - q.json report.jsonl docs.jsonl <<'PY'
import json, sys, unicodedata
q = json.load(open(sys.argv[1]))
print(json.dumps({k: q[k] for k in ("recall_pairs", "recall", "near_reported",
      "precision", "mean_abs_similarity_error")}))
assert q["recall_pairs"] >= 50, "too few pairs to judge"
assert q["recall"] >= 0.95, "recall below 0.95"
assert q["mean_abs_similarity_error"] <= 0.02, "similarity estimate off"
assert not q["false_positive_jaccard"] or min(q["false_positive_jaccard"]) >= 0.7, \
    "a reported pair is far below the threshold"
PY
echo "near: ok"
