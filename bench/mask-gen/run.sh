#!/usr/bin/env bash
# bench/mask-gen/run.sh CORPUS.txt [WORKDIR] - masking throughput per core.
#
# Input: CORPUS.txt (e.g. corpus100.txt of the shared benchmark material)
# turned into WordPiece token records by prepare.sh (kept in WORKDIR,
# default $PTK_BENCH_DIR/mask-gen or /tmp/ptk-mask-bench, for reruns).
# Measures, on one thread, in CPU seconds (user + sys, so that other load on
# the machine does not count) and wall seconds:
#   - mask-gen -j1 over the whole stream, plain output and zstd output;
#   - the library in-process (libbench: what a trainer masking its own
#     batches sees): BERT tokens, whole words, ALBERT 3-grams, T5 spans;
#   - peers: HuggingFace DataCollatorForLanguageModeling's torch masking,
#     BERT's create_masked_lm_predictions (pure Python), T5's span noise in
#     numpy (peer.py);
# and prints the ratios.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
corpus=${1:?usage: bench/mask-gen/run.sh CORPUS.txt [WORKDIR]}
work=${2:-${PTK_BENCH_DIR:-/tmp/ptk-mask-bench}/mask-gen}
"$here/prepare.sh" "$corpus" "$work"
in=$work/tokens.plain
cc -std=c11 -D_GNU_SOURCE -O2 -fopenmp -I"$root/lib" "$here/libbench.c" \
    "$root/build/libptk.a" -lzstd -lxxhash -lm -o "$work/libbench"
ntok=$("$root/bin/tokcat" --count "$in" | sed 's/.*"tokens":\([0-9]*\).*/\1/')
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(date -u +%F)"
echo "input: $ntok tokens, $("$root/bin/tokcat" --count "$in" | sed 's/.*"records":\([0-9]*\).*/\1/') records"
cat "$in" > /dev/null

run() {	# label command...: best of 3 by CPU time
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
label="mask-gen -j1 --no-compress" key=plain run "$root/bin/mask-gen" -j1 --no-compress "$in"
label="mask-gen -j1 (zstd level 3)" key=zstd run "$root/bin/mask-gen" -j1 "$in"
label="mask-gen -j1 --level 1" key=zstd1 run "$root/bin/mask-gen" -j1 --level 1 "$in"
label="mask-gen -j1 --span --no-compress" key=span run "$root/bin/mask-gen" -j1 --span --sentinels 10000 --no-compress "$in"
echo "in-process (libbench, blocks of 512, CPU time):"
for m in mask wwm ngram span; do "$work/libbench" $m "$in"; done | tee "$work/lib.jsonl"
echo "peers (one thread, CPU time):"
/usr/bin/python3 "$here/peer.py" hf-mlm "$in" | tee "$work/hf.json"
/usr/bin/python3 "$here/peer.py" bert-mlm "$in" 2000000 | tee "$work/bert.json"
/usr/bin/python3 "$here/peer.py" t5-span "$in" | tee "$work/t5.json"
rate() { sed 's/.*"mtokens_per_s": *\([0-9.]*\).*/\1/' "$1"; }
lib_mask=$(grep '"mask"' "$work/lib.jsonl" | sed 's/.*"mtokens_per_s":\([0-9.]*\).*/\1/')
lib_span=$(grep '"span"' "$work/lib.jsonl" | sed 's/.*"mtokens_per_s":\([0-9.]*\).*/\1/')
awk -v a="$lib_mask" -v b="$(rate "$work/hf.json")" -v c="$rate_plain" -v d="$(rate "$work/bert.json")" \
    -v e="$lib_span" -v f="$(rate "$work/t5.json")" 'BEGIN {
	printf "ratio in-process masking / HF torch collator: %.1fx\n", a / b
	printf "ratio mask-gen --no-compress / HF torch collator: %.1fx\n", c / b
	printf "ratio mask-gen --no-compress / BERT create_pretraining_data masking: %.1fx\n", c / d
	printf "ratio in-process span corruption / T5 numpy: %.1fx\n", e / f }'
