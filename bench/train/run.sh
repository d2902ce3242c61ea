#!/usr/bin/env bash
# run.sh - training step time of ptk's transformer core beside PyTorch on the
# same model, threads and machine; prints a Markdown table.
#
# usage: bench/train/run.sh [threads] [rounds]   (defaults: 2 threads, 3 rounds)
#
# For each config (L=4 C=256 H=4 V=8192 T=256 B=8, and GPT-2 small at
# T=64 B=4) it runs, interleaved, `rounds` times each: bench/train/step.c
# (lib/nn), PyTorch as it comes, and PyTorch with glibc's allocator tuned
# (MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=1e12 MALLOC_TOP_PAD_=1GiB), and
# reports the median of the per-run mean ms/step.  MFU = model FLOPs per
# step (6 x matrix parameters x tokens + 12 L C T per token for attention)
# over the sgemm ceiling (bench/train/sgemm.c) at the same thread count,
# measured once per round and taken as the median.
# OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset here, so OpenBLAS picks
# its own kernels (named in the output).  Needs make, and python3-torch.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
threads=${1:-2}
rounds=${2:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/ptk-bench-train.XXXXXX")
trap 'rm -rf "$work"' EXIT
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
export OMP_NUM_THREADS=$threads
cc=${CC:-cc}
inc="-I$top/lib -I/usr/include/$($cc -dumpmachine)/openblas-openmp"
$cc -O2 -fopenmp $inc -o "$work/step" "$top/bench/train/step.c" \
	"$top/build/libnn.a" "$top/build/libptk.a" -lopenblas -lxxhash -lm
$cc -O2 $inc -o "$work/sgemm" "$top/bench/train/sgemm.c" -lopenblas
py=/usr/bin/python3
tuned="MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=1000000000000 MALLOC_TOP_PAD_=1073741824"

core=$("$work/sgemm" | jq -r .core)
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(getconf _NPROCESSORS_ONLN) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); threads: $threads; rounds: $rounds; OpenBLAS kernels: $core"
echo
echo "| config | implementation | ms/step (median) | GFLOP/step | GFLOP/s | sgemm ceiling GFLOP/s | MFU |"
echo "|---|---|---:|---:|---:|---:|---:|"
for cfg in "4 256 4 8192 256 8" "12 768 12 50257 64 4"; do
	steps=6
	[ "${cfg%% *}" = 12 ] && steps=3
	: > "$work/ptk" ; : > "$work/plain" ; : > "$work/tuned"; : > "$work/ceil"
	for r in $(seq "$rounds"); do
		# The ceiling is measured in every round, beside the runs it
		# divides, since the machine's load may change between rounds.
		"$work/sgemm" | jq -r .gflops >> "$work/ceil"
		"$work/step" $cfg $steps > "$work/p.json"
		jq -r .ms_mean "$work/p.json" >> "$work/ptk"
		fl=$(jq -r .gflop_per_step "$work/p.json")
		$py "$top/bench/train/torch_step.py" $cfg $steps "$threads" |
			jq -r .ms_mean >> "$work/plain"
		env $tuned $py "$top/bench/train/torch_step.py" $cfg $steps "$threads" |
			jq -r .ms_mean >> "$work/tuned"
	done
	gf=$(median < "$work/ceil")
	set -- $cfg
	name="L=$1 C=$2 H=$3 V=$4 T=$5 B=$6"
	for impl in ptk tuned plain; do
		ms=$(median < "$work/$impl")
		label=$impl
		[ $impl = ptk ] && label="ptk (lib/nn)"
		[ $impl = tuned ] && label="PyTorch, allocator tuned"
		[ $impl = plain ] && label="PyTorch as it comes"
		awk -v n="$name" -v l="$label" -v ms="$ms" -v fl="$fl" -v gf="$gf" 'BEGIN {
			printf "| %s | %s | %.0f | %.1f | %.0f | %.0f | %.0f%% |\n", n, l, ms, fl, fl / ms * 1e3, gf, 100 * fl / ms * 1e3 / gf }'
	done
done
