#!/usr/bin/env bash
# run.sh - data-parallel train under mpirun against one process: the same
# run (gpt-tiny on the bundled corpus, 8 micro-batches of 8 x 128 tokens per
# step) with 1 process and 1 or N threads, and with N MPI ranks of 1 thread
# each.  Prints ms/step (median) and whether the losses agree with the
# 1-process run to 1e-4 relative.
#
# usage: bench/train-mpi/run.sh [ranks] [steps]   (defaults: 2 ranks, 30 steps)
# Builds the MPI=1 train into build-mpi/ (make test-mpi does too).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
ranks=${1:-2}
steps=${2:-30}
work=$(mktemp -d "${TMPDIR:-/tmp}/ptk-bench-mpi.XXXXXX")
trap 'rm -rf "$work"' EXIT
make -C "$top" --no-print-directory -s all
make -C "$top" --no-print-directory -s BUILD=build-mpi BIN=build-mpi/bin MPI=1 build-mpi/bin/train
bin=$top/bin
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMP_WAIT_POLICY=passive
cd "$work"
"$bin/bpe-train" --vocab-size 4096 --special-tokens '<|endoftext|>' -o bpe -q "$top/data/kjv.jsonl.zst"
"$bin/tokenize" --vocab bpe "$top/data/kjv.jsonl.zst" -o t.zst
"$bin/shard" --eod after --val-fraction 0.02 --seed 1 -o sh t.zst >/dev/null
opts="--data sh --model gpt-tiny -T 128 -B 8 --batch-tokens 8192 --steps $steps --lr 1e-3 --eval-every $steps -q"
median() { jq -s 'map(.ms_per_step) | sort | .[length / 2 | floor]'; }
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(getconf _NPROCESSORS_ONLN) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); gpt-tiny, 8192 tokens per step, $steps steps"
echo
echo "| run | ms/step (median) | losses as 1 process |"
echo "|---|---:|---|"
"$bin/train" $opts -j 1 --log one.jsonl
echo "| 1 process, 1 thread | $(median < one.jsonl) | - |"
"$bin/train" $opts -j "$ranks" --log threads.jsonl
same() {
	jq -s --slurpfile b one.jsonl '. as $a | [range(0; $a | length) as $i |
	    (($a[$i].loss - $b[$i].loss) | fabs) <= 1e-4 * $b[$i].loss] | all' "$1"
}
echo "| 1 process, $ranks threads | $(median < threads.jsonl) | $(same threads.jsonl) |"
mpirun -np "$ranks" --bind-to none "$top/build-mpi/bin/train" $opts -j 1 --log ranks.jsonl
echo "| mpirun -np $ranks, 1 thread each | $(median < ranks.jsonl) | $(same ranks.jsonl) |"
