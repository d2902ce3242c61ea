#!/bin/sh
# train_eval.sh - train eval's continuation log-likelihoods and perplexity
# windows (lib/nn/eval.c) against PyTorch on a random GPT-2.
# Needs build/libnn.a (make) and Debian's python3-torch.  Exits 1 on mismatch.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ptk-eval-ref.XXXXXX")
trap 'rm -rf "$work"' EXIT
cc=${CC:-cc}
blas_inc=/usr/include/$($cc -dumpmachine)/openblas-openmp
$cc -std=c11 -O2 -fopenmp -I"$root/lib" -I"$blas_inc" \
	-o "$work/eval_ref" "$root/tests/reference/train_eval_ref.c" \
	-Wl,--as-needed "$root/build/libnn.a" "$root/build/libptk.a" -lopenblas \
	-lzstd -lpcre2-8 -lcurl -lsqlite3 -lutf8proc -lxxhash -lm
py=/usr/bin/python3
[ -x "$py" ] || py=python3
"$work/eval_ref" "$work"
"$py" "$root/tests/reference/train_eval_torch.py" "$work"
