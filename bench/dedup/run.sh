#!/usr/bin/env bash
# bench/dedup/run.sh - dedup throughput and near-duplicate quality.
#
# usage: bench/dedup/run.sh [CORPUS.txt]   (default: $PTK_BENCH_DIR/corpus100.txt)
#
# Wraps the plain-text corpus into ~3 KB doc records and injects 5% exact
# copies and 10% near-duplicates at word edit rates 0.5%..20%
# (make_docs.py), then times, on the same input:
#   - dedup at each level on one thread (-j1), and the default levels on all
#     cores, with wall time and CPU time (MB/s per core = input MB / CPU s);
#   - the phases (sign, merge, filter) separately;
#   - peers for exact dedup of whole records: LC_ALL=C sort -u (sorted, no
#     normalisation) and awk '!seen[$0]++' (input order, no normalisation);
# and scores near against exact Jaccard similarity (quality.py).
# Output is uncompressed (--no-compress) so that zstd time is not counted.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
corpus=${1:-${PTK_BENCH_DIR:-/tmp/ptk-bench}/corpus100.txt}
dedup=${DEDUP:-$root/bin/dedup}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-dedup.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

python3 "$here/make_docs.py" "$corpus" docs.jsonl truth.jsonl
mb=$(stat -c %s docs.jsonl | awk '{ printf "%.1f", $1 / 1e6 }')
echo "input: $(wc -l < docs.jsonl) docs, $mb MB ($(wc -l < truth.jsonl) injected copies)"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
echo

# run NAME CMD...: time CMD (stdout to /dev/null); print wall, CPU, MB/s.
run() {
	local name=$1
	shift
	/usr/bin/time -f "%e %U %S %M" -o t.txt "$@" > /dev/null
	read -r wall user sys rss < t.txt
	awk -v n="$name" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v mb="$mb" 'BEGIN {
		c = u + s; printf "%-34s wall %6.2f s  cpu %6.2f s  %7.1f MB/s  %7.1f MB/s/core  rss %5.0f MB\n",
		n, w, c, mb / w, mb / c, r / 1024 }'
}

run "dedup --exact -j1" "$dedup" -q --exact -j1 --no-compress docs.jsonl
run "dedup --near -j1" "$dedup" -q --near -j1 --no-compress docs.jsonl
run "dedup (exact+near) -j1" "$dedup" -q -j1 --no-compress docs.jsonl
run "dedup --near --bins 0 -j1" "$dedup" -q --near --bins 0 -j1 --no-compress docs.jsonl
run "dedup --lines -j1" "$dedup" -q --lines -j1 --no-compress docs.jsonl
run "dedup --exact --near --lines -j1" "$dedup" -q --exact --near --lines -j1 --no-compress docs.jsonl
run "dedup (exact+near) -j$(nproc)" "$dedup" -q --no-compress docs.jsonl
echo
run "phase: sign -j1" "$dedup" sign -q -j1 -o docs.sig docs.jsonl
run "phase: merge" "$dedup" merge -q docs.sig
run "phase: filter" "$dedup" filter -q --no-compress --keep docs.sig.keep docs.jsonl
echo
run "peer: LC_ALL=C sort -u" env LC_ALL=C sort -u docs.jsonl
run "peer: awk '!seen[\$0]++'" awk '!seen[$0]++' docs.jsonl
echo
"$dedup" -j1 --no-compress --report report.jsonl docs.jsonl 2>&1 > /dev/null | sed 's/^/summary: /'
python3 "$here/quality.py" docs.jsonl truth.jsonl report.jsonl > quality.json
python3 - quality.json <<'PY'
import json, sys
q = json.load(open(sys.argv[1]))
print("near quality (threshold 0.8): recall %.4f over %d injected pairs with Jaccard >= 0.85; "
      "precision %.4f over %d near pairs reported (Jaccard >= 0.8); mean |similarity error| %.4f"
      % (q["recall"], q["recall_pairs"], q["precision"], q["near_reported"],
         q["mean_abs_similarity_error"]))
fp = q["false_positive_jaccard"]
if fp:
    print("false positives: %d, true Jaccard %.3f..%.3f" % (len(fp), min(fp), max(fp)))
print("removed by edit rate:", ", ".join("%s %d/%d (J %.2f)" % (k, v["removed"], v["pairs"],
      v["mean_jaccard"]) for k, v in q["by_edit_rate"].items()))
PY
