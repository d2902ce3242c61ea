#!/usr/bin/env bash
# bench/bpe/run.sh - bpe-train next to HuggingFace tokenizers' BpeTrainer, and
# tokenize next to tiktoken and HuggingFace's encode, with 1 and 2 threads.
#
# usage: bench/bpe/run.sh [CORPUS_DIR]
#   CORPUS_DIR (default $PTK_BENCH_DIR) holds corpus100.txt, corpus10.txt and
#   heldout.txt (see the shared corpus builder).  PTK_NPM_DIR names a folder
#   where "npm install tokenizers tiktoken" was run (default: installed into
#   build/bench-npm).  BENCH_SKIP_TRAIN=1 runs only the encoding part.
#   Prints one line per run (wall and CPU seconds, peak memory) and the
#   ratios; on a machine shared with other work, compare CPU seconds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$here/../..
dir=${1:-${PTK_BENCH_DIR:?give CORPUS_DIR or set PTK_BENCH_DIR}}
npm_dir=${PTK_NPM_DIR:-$root/build/bench-npm}
if [ ! -d "$npm_dir/node_modules/tokenizers" ] || [ ! -d "$npm_dir/node_modules/tiktoken" ]; then
	mkdir -p "$npm_dir"
	(cd "$npm_dir" && npm install --silent --no-audit --no-fund tokenizers tiktoken >/dev/null)
fi
export NODE_PATH=$npm_dir/node_modules
bin=$root/bin
work=$(mktemp -d "${TMPDIR:-/tmp}/ptk-bench-bpe.XXXXXX")
trap 'rm -rf "$work"' EXIT
big=$dir/corpus100.txt small=$dir/corpus10.txt held=$dir/heldout.txt

# run NAME CMD...: wall seconds, CPU seconds and peak RSS from /usr/bin/time -v
run() {
	local name=$1
	shift
	/usr/bin/time -v "$@" > "$work/$name.out" 2> "$work/$name.time"
	local wall cpu rss
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
		for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$work/$name.time")
	cpu=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.2f", u + s }' "$work/$name.time")
	rss=$(awk -F': ' '/Maximum resident/ { printf "%.0f", $2 / 1024 }' "$work/$name.time")
	printf '%-28s wall %7.2f s  cpu %7.2f s  peak %6s MB\n' "$name" "$wall" "$cpu" "$rss"
	eval "wall_${name//-/_}=$wall cpu_${name//-/_}=$cpu rss_${name//-/_}=$rss"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

if [ -z "${BENCH_SKIP_TRAIN:-}" ]; then
echo "== training: vocab 30000 on $(basename "$big") ($(wc -c < "$big") bytes), lines as documents"
for j in 1 2; do
	RAYON_NUM_THREADS=$j run "hf-train-j$j" node "$here/hf_train.js" "$big" "$work/hf$j.json"
	run "ptk-train-j$j" "$bin/bpe-train" -j $j --vocab-size 30000 --lines -o "$work/ours$j" "$big"
	echo "   bpe-train -j $j is $(ratio "$(eval echo \$wall_hf_train_j$j)" "$(eval echo \$wall_ptk_train_j$j)")x faster (wall)," \
	    "$(ratio "$(eval echo \$cpu_hf_train_j$j)" "$(eval echo \$cpu_ptk_train_j$j)")x less CPU time," \
	    "peak memory $(ratio "$(eval echo \$rss_ptk_train_j$j)" "$(eval echo \$rss_hf_train_j$j)")x HuggingFace's"
done
run "ptk-train-text-j2" "$bin/bpe-train" -j 2 --vocab-size 30000 --text -o "$work/ourstext" "$big"
python3 - "$work/hf1.json" "$work/ours1/merges.txt" "$work/ours1/vocab.json" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))
hm = [m if isinstance(m, str) else " ".join(m) for m in h["model"]["merges"]]
om = open(sys.argv[2], encoding="utf-8").read().split("\n")[1:-1]
ov = json.load(open(sys.argv[3], encoding="utf-8"))
print("   merges equal to HuggingFace's: %s (%d merges); vocabulary equal: %s"
      % (hm == om, len(om), ov == h["model"]["vocab"]))
PY
for v in hf1.json ours1 ourstext; do
	# --skip-unknown: bytes never seen in training have no token (as in
	# HuggingFace's encode, which drops them)
	"$bin/tokenize" -v --skip-unknown --vocab "$work/$v" --text "$held" -o /dev/null --no-compress 2> "$work/bpt"
	echo "   bytes/token on $(basename "$held") with $v: $(sed -n 's/.*bytes\/token=//p' "$work/bpt") ($(sed -n 's/.*warning: \([0-9]*\) bytes.*/\1/p' "$work/bpt") bytes without a token)"
done

fi

echo "== encoding: GPT-2 vocabulary"
python3 "$root/tests/reference/bpe_gpt2_files.py" "$npm_dir/node_modules/tiktoken" "$work/gpt2"
for c in "$small" "$big"; do
	n=$(wc -c < "$c")
	echo "-- $(basename "$c") ($n bytes)"
	for j in 1 2; do
		run "ptk-encode-j$j" "$bin/tokenize" -j $j --vocab "$work/gpt2/gpt2.tiktoken" --text "$c" --no-compress -o "$work/enc.tok"
		echo "   tokenize -j $j: $(awk -v n="$n" -v s="$wall_ptk_encode_j1" -v t="$(eval echo \$wall_ptk_encode_j$j)" 'BEGIN { printf "%.1f MB/s", n / 1e6 / t }') (whole run: load, read, encode, write)"
	done
	[ "$c" = "$big" ] && break
	run tiktoken node "$here/peer_encode.js" tiktoken "$c"
	tt=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["encode_s"])' "$work/tiktoken.out")
	echo "   tiktoken: encode calls $(awk -v n="$n" -v s="$tt" 'BEGIN { printf "%.1f MB/s", n / 1e6 / s }') (wall)"
	for j in 1 2; do
		RAYON_NUM_THREADS=$j run "hf-encode-j$j" node "$here/peer_encode.js" hf "$work/gpt2/tokenizer.json" "$c"
		hf=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["encode_s"])' "$work/hf-encode-j$j.out")
		echo "   HuggingFace encodeBatch, $j threads: encode calls $(awk -v n="$n" -v s="$hf" 'BEGIN { printf "%.1f MB/s", n / 1e6 / s }') (wall)"
	done
	for j in 1 2; do
		echo "   tokenize -j $j vs tiktoken: $(ratio "$tt" "$(eval echo \$wall_ptk_encode_j$j)")x (wall: its encode calls vs our whole run)," \
		    "$(ratio "$cpu_tiktoken" "$(eval echo \$cpu_ptk_encode_j$j)")x (CPU, whole processes)"
		echo "   tokenize -j $j vs HuggingFace $j threads: $(ratio "$(eval echo \$cpu_hf_encode_j$j)" "$(eval echo \$cpu_ptk_encode_j$j)")x (CPU, whole processes)"
	done
	python3 -c 'import json,sys; print("   token counts: tiktoken", json.load(open(sys.argv[1]))["tokens"], " HuggingFace", json.load(open(sys.argv[2]))["tokens"])' "$work/tiktoken.out" "$work/hf-encode-j1.out"
	echo "   tokenize: $("$bin/tokcat" --count "$work/enc.tok")"
done
