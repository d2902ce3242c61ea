#!/bin/sh
# train.sh - lib/nn against PyTorch: logits, loss, every gradient, and 10
# AdamW steps, for GPT-2 (pre-LN) and the original GPT (post-LN).
# Needs build/libnn.a (make) and Debian's python3-torch.  Exits 1 on mismatch.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ptk-train-ref.XXXXXX")
trap 'rm -rf "$work"' EXIT
cc=${CC:-cc}
blas_inc=/usr/include/$($cc -dumpmachine)/openblas-openmp
$cc -std=c11 -O2 -fopenmp -I"$root/lib" -I"$blas_inc" \
	-o "$work/train_ref" "$root/tests/reference/train_ref.c" \
	"$root/build/libnn.a" "$root/build/libptk.a" -lopenblas -lxxhash -lm
# Debian's torch is for the system python, not one first on PATH.
py=/usr/bin/python3
[ -x "$py" ] || py=python3
rc=0
for post in 0 1; do
	mkdir "$work/$post"
	"$work/train_ref" "$work/$post" "$post"
	"$py" "$root/tests/reference/train_torch.py" "$work/$post" || rc=1
done
exit $rc
