#!/usr/bin/env bash
# run.sh - GPT-3 locally banded attention: training step time against the
# sequence length T at a fixed window W, for dense attention, GPT-3's
# alternating dense / banded layers (every 2nd layer banded) and every
# layer banded; prints a Markdown table of the best ms/step of each and
# ms per 1000 tokens (flat when time is linear in T).
#
# usage: bench/train-band/run.sh [threads] [W]   (defaults: 1 thread, W 64)
# Model: L=2 C=64 H=2 V=512, B=1, T = 256 .. 4096.  Needs make.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
threads=${1:-1}
W=${2:-64}
work=$(mktemp -d "${TMPDIR:-/tmp}/ptk-bench-band.XXXXXX")
trap 'rm -rf "$work"' EXIT
export OMP_NUM_THREADS=$threads
cc=${CC:-cc}
inc="-I$top/lib -I/usr/include/$($cc -dumpmachine)/openblas-openmp"
$cc -O2 -fopenmp $inc -o "$work/step" "$top/bench/train-band/step.c" \
	"$top/build/libnn.a" "$top/build/libptk.a" -lopenblas -lxxhash -lm
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(getconf _NPROCESSORS_ONLN) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); threads: $threads; W: $W; model L=2 C=64 H=2 V=512 B=1"
echo
echo "| T | dense ms | dense ms/1k tok | alternating ms | alt. ms/1k tok | all banded ms | banded ms/1k tok |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for T in 256 512 1024 2048 4096; do
	row="| $T"
	for every in 0 2 1; do
		w=$W
		[ "$every" = 0 ] && w=0
		ms=$("$work/step" 2 64 2 512 "$T" 1 "$w" "$every" 3 | jq -r .ms_best)
		row="$row | $ms | $(echo "$ms $T" | awk '{printf "%.2f", $1 * 1000 / $2}')"
	done
	echo "$row |"
done
