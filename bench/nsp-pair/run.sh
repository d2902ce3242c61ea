#!/usr/bin/env bash
# bench/nsp-pair/run.sh CORPUS.txt [WORKDIR] - NSP / SOP pair construction
# throughput per core, next to BERT's create_instances_from_document (pure
# Python, as published; peer.py bert-nsp).  Input as bench/mask-gen/prepare.sh
# makes it.  CPU seconds (user + sys) so that other load does not count.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
corpus=${1:?usage: bench/nsp-pair/run.sh CORPUS.txt [WORKDIR]}
work=${2:-${PTK_BENCH_DIR:-/tmp/ptk-mask-bench}/mask-gen}
"$root/bench/mask-gen/prepare.sh" "$corpus" "$work"
in=$work/tokens.plain
cc -std=c11 -D_GNU_SOURCE -O2 -fopenmp -I"$root/lib" "$root/bench/mask-gen/libbench.c" \
    "$root/build/libptk.a" -lzstd -lxxhash -lm -o "$work/libbench"
ntok=$("$root/bin/tokcat" --count "$in" | sed 's/.*"tokens":\([0-9]*\).*/\1/')
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(date -u +%F)"
echo "input: $ntok tokens"
cat "$in" > /dev/null

run() {
	local best= wall= t
	for _ in 1 2 3; do
		t=$( { /usr/bin/time -f '%U %S %e' "$@" > /dev/null; } 2>&1 | tail -n 1)
		cpu=$(echo "$t" | awk '{print $1 + $2}')
		if [ -z "$best" ] || awk "BEGIN{exit !($cpu < $best)}"; then best=$cpu; wall=$(echo "$t" | awk '{print $3}'); fi
	done
	printf '%-44s cpu %6.2f s  wall %6.2f s  %7.1f Mtok/s per core\n' "$label" "$best" "$wall" \
	    "$(awk "BEGIN{print $ntok / $best / 1e6}")"
	eval "rate_$key=$(awk "BEGIN{print $ntok / $best / 1e6}")"
}
label="nsp-pair -j1 --no-compress" key=nsp run "$root/bin/nsp-pair" -q -j1 --no-compress "$in"
label="nsp-pair -j1 (zstd level 3)" key=nspz run "$root/bin/nsp-pair" -q -j1 "$in"
label="sop-pair -j1 --no-compress" key=sop run "$root/bin/sop-pair" -q -j1 --no-compress "$in"
echo "in-process (libbench, CPU time; input tokens per second):"
for m in nsp sop; do "$work/libbench" $m "$in"; done
echo "peer (one thread, CPU time; first 2M tokens):"
/usr/bin/python3 "$root/bench/mask-gen/peer.py" bert-nsp "$in" 2000000 | tee "$work/bnsp.json"
awk -v a="$rate_nsp" -v b="$(sed 's/.*"mtokens_per_s": *\([0-9.]*\).*/\1/' "$work/bnsp.json")" \
    'BEGIN { printf "ratio nsp-pair --no-compress / BERT create_instances_from_document: %.0fx\n", a / b }'
