#!/usr/bin/env bash
# bench/shard/run.sh - shard's write throughput against the peers' writers.
#
# usage: bench/shard/run.sh [CORPUS [REPEAT]]
#   CORPUS  plain text (default $PTK_BENCH_DIR/corpus100.txt); paragraphs
#           become records, words become token ids (make_tokens.py)
#   REPEAT  how many times the records are repeated (default 2)
#
# Prints, for each format, the token data written (tokens x bytes a token)
# per second of wall time and per second of CPU time (user + sys, one
# thread: "per core"), and the ratio against a numpy writer doing what
# Megatron-LM's IndexedDatasetBuilder and llm.c's write_datafile do on the
# same input.  Also a shuffle with --mem smaller than the input.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${BIN:-$here/../../bin}
corpus=${1:-${PTK_BENCH_DIR:-/tmp/ptk-bench}/corpus100.txt}
repeat=${2:-2}
py=python3
/usr/bin/python3 -c 'import numpy' 2>/dev/null && py=/usr/bin/python3
work=$(mktemp -d "${TMPDIR:-/tmp}/ptk-bench-shard.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$bin/tokcat" --pack --no-compress --vocab-size 50257 --special eos=50256 </dev/null >"$work/hdr.tok"
"$py" "$here/make_tokens.py" "$work/hdr.tok" "$corpus" "$work/in.tok" "$repeat"
zstd -q -3 "$work/in.tok" -o "$work/in.tok.zst"
tokens=$("$bin/tokcat" --count "$work/in.tok" | sed 's/.*"tokens":\([0-9]*\).*/\1/')
records=$("$bin/tokcat" --count "$work/in.tok" | sed 's/.*"records":\([0-9]*\).*/\1/')
mb=$(awk -v t="$tokens" 'BEGIN { printf "%.1f", t * 2 / 1e6 }')
echo "input: $records records, $tokens tokens ($mb MB of uint16 token data), $(stat -c %s "$work/in.tok") bytes plain"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"

# run NAME CMD...: best of 3 by CPU time; prints wall, CPU, MB/s and peak RSS.
run() {
	local name=$1 best="" line
	shift
	for _ in 1 2 3; do
		rm -rf "$work/out" "$work/peer"*
		line=$(/usr/bin/time -f "%e %U %S %M" "$@" 2>&1 >/dev/null | tail -1)
		best=$(printf '%s\n%s\n' "$best" "$line" | awk 'NF == 4 { c = $2 + $3; if (b == "" || c < b) { b = c; l = $0 } } END { print l }')
	done
	set -- $best
	awk -v n="$name" -v mb="$mb" -v w="$1" -v u="$2" -v s="$3" -v m="$4" 'BEGIN {
		c = u + s; printf "%-28s wall %6.2f s %7.0f MB/s   cpu %6.2f s %7.0f MB/s/core   peak %5.0f MB\n",
		    n, w, mb / w, c, mb / c, m / 1024 }'
	echo "$best" >"$work/last"
}
cpu() { awk '{ print $2 + $3 }' "$work/last"; }

run "shard ptk" "$bin/shard" -j 1 -o "$work/out" "$work/in.tok"; ptk=$(cpu)
run "shard ptk (zstd input)" "$bin/shard" -j 1 -o "$work/out" "$work/in.tok.zst"
run "shard megatron" "$bin/shard" -j 1 --format megatron -o "$work/out" "$work/in.tok"; mega=$(cpu)
run "numpy Megatron builder" "$py" "$here/peer_megatron.py" megatron "$work/in.tok" "$work/peer"; pmega=$(cpu)
run "shard llmc" "$bin/shard" -j 1 --format llmc --shard-tokens 100M -o "$work/out" "$work/in.tok"; llmc=$(cpu)
run "numpy llm.c write_datafile" "$py" "$here/peer_megatron.py" llmc "$work/in.tok" "$work/peer"; pllmc=$(cpu)
run "shard ptk --seed 1 --mem 4M" "$bin/shard" -j 1 --seed 1 --mem 4M -o "$work/out" "$work/in.tok"
awk -v a="$mega" -v b="$pmega" -v c="$llmc" -v d="$pllmc" 'BEGIN {
	printf "cpu ratio, peer / shard: megatron %.1fx, llmc %.1fx\n", b / a, d / c }'
