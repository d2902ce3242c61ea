#!/bin/sh
# train_bert.sh - lib/nn/bert.c against PyTorch: MLM and NSP/SOP losses,
# every gradient and 8 AdamW steps, for BERT (MLM + NSP) and ALBERT
# (factorised embeddings, MLM + SOP) in each cross-layer sharing mode.
# Needs build/libnn.a (make) and Debian's python3-torch.  Exits 1 on mismatch.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ptk-train-bert-ref.XXXXXX")
trap 'rm -rf "$work"' EXIT
cc=${CC:-cc}
blas_inc=/usr/include/$($cc -dumpmachine)/openblas-openmp
$cc -std=c11 -O2 -fopenmp -I"$root/lib" -I"$blas_inc" \
	-o "$work/ref" "$root/tests/reference/train_bert_ref.c" \
	"$root/build/libnn.a" "$root/build/libptk.a" -lopenblas -lxxhash -lm
py=/usr/bin/python3
[ -x "$py" ] || py=python3
rc=0
for model in bert albert-all albert-attention albert-ffn albert-none; do
	mkdir "$work/$model"
	"$work/ref" "$work/$model" "$model"
	"$py" "$root/tests/reference/train_bert_torch.py" "$work/$model" || rc=1
done
exit $rc
