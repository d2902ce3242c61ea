#!/bin/sh
# train_t5.sh - the T5 encoder-decoder (lib/nn/t5.c) against PyTorch: the
# loss and every parameter gradient of one batch.
# Needs build/libnn.a (make) and Debian's python3-torch.  Exits 1 on mismatch.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ptk-t5-ref.XXXXXX")
trap 'rm -rf "$work"' EXIT
cc=${CC:-cc}
blas_inc=/usr/include/$($cc -dumpmachine)/openblas-openmp
$cc -std=c11 -O2 -fopenmp -I"$root/lib" -I"$blas_inc" \
	-o "$work/t5_ref" "$root/tests/reference/train_t5_ref.c" \
	-Wl,--as-needed "$root/build/libnn.a" "$root/build/libptk.a" -lopenblas \
	-lzstd -lpcre2-8 -lcurl -lsqlite3 -lutf8proc -lxxhash -lm
py=/usr/bin/python3
[ -x "$py" ] || py=python3
"$work/t5_ref" "$work"
"$py" "$root/tests/reference/train_t5_torch.py" "$work"
