#!/usr/bin/env bash
# run.sh - benchmark-decontaminate throughput against the peer (the GPT-3
# rules as lm-evaluation-harness's Janitor implements them, in Python).
#
# Usage: bench/decontaminate/run.sh [CORPUS_DIR]
#   CORPUS_DIR (default $PTK_BENCH_DIR) holds corpus100.txt and heldout.txt
#   from the shared build_corpus.sh.  The corpus becomes ~22k doc records
#   (~100 MB of text) and a benchmark of 10,000 examples of 30 words (1% of
#   them taken from the corpus, so that documents hit) is drawn beside it.
# Prints MB/s of training text for ptk with 1 and 2 threads (drop and redact
# modes) and for the peer, and the ratio per core.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${BIN:-$here/../../bin}
dir=${1:-${PTK_BENCH_DIR:?give the corpus folder or set PTK_BENCH_DIR}}
work=$(mktemp -d "${TMPDIR:-/tmp}/ptk-bench-decontam.XXXXXX")
trap 'rm -rf "$work"' EXIT

python3 "$here/prepare.py" "$dir/corpus100.txt" "$dir/heldout.txt" "$work"
mb=$(python3 -c "import os;print(os.path.getsize('$dir/corpus100.txt')/1e6)")
cat "$work/docs.jsonl" > /dev/null	# warm the page cache

best() {	# "wall cpu": best of 3 wall-clock and CPU (user + sys) seconds
	local w=999999 c=999999 t
	for _ in 1 2 3; do
		t=$( { /usr/bin/time -f "%e %U %S" "$@" > /dev/null; } 2>&1 | tail -n 1)
		read -r w c <<< "$(python3 -c "a = '$t'.split(); print(min($w, float(a[0])), min($c, float(a[1]) + float(a[2])))")"
	done
	echo "$w $c"
}

echo "text: $mb MB in $(wc -l < "$work/docs.jsonl") documents; benchmark: $(wc -l < "$work/bench.jsonl") examples"
for mode in drop redact; do
	for j in 1 2; do
		read -r s c <<< "$(best "$bin/benchmark-decontaminate" -j $j --mode $mode \
		    --no-compress --bench b="$work/bench.jsonl" -o "$work/out.jsonl" \
		    "$work/docs.jsonl")"
		printf 'ptk  %-6s -j %d: %6.2f s wall %7.1f MB/s, %6.2f s CPU %7.1f MB/s per core\n' \
		    $mode $j "$s" "$(python3 -c "print($mb / $s)")" "$c" \
		    "$(python3 -c "print($mb / $c)")"
		[ "$mode" = redact ] && [ "$j" = 1 ] && ptk1=$c
	done
done
"$bin/benchmark-decontaminate" --mode redact --no-compress --bench b="$work/bench.jsonl" \
    --report "$work/report.json" -o /dev/null "$work/docs.jsonl"
jq -c '{documents, documents_hit, documents_dropped, documents_redacted, contaminated: .benchmarks.b.contaminated}' "$work/report.json"
# GPT-3's filter of common 13-grams: two passes over the input.
read -r s c <<< "$(best "$bin/benchmark-decontaminate" -j 1 --mode redact --max-doc-freq 10 \
    --no-compress --bench b="$work/bench.jsonl" --report "$work/report10.json" \
    -o "$work/out.jsonl" "$work/docs.jsonl")"
printf 'ptk  redact --max-doc-freq 10 (2 passes) -j 1: %6.2f s wall, %6.2f s CPU\n' "$s" "$c"
jq -c '{documents_hit, documents_dropped, documents_redacted, ngrams_ignored, contaminated: .benchmarks.b.contaminated}' "$work/report10.json"
peer=$(python3 "$here/peer_janitor.py" "$work/bench.jsonl" "$work/docs.jsonl" "$work/peer.jsonl")
echo "peer (Janitor algorithm, Python, 1 thread): $peer"
ps=$(echo "$peer" | jq .cpu_seconds)
printf 'ratio per core (redact, ptk -j 1 CPU seconds vs peer): %.1fx\n' "$(python3 -c "print($ps / $ptk1)")"
