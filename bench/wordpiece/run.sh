#!/usr/bin/env bash
# bench/wordpiece/run.sh - wordpiece-train next to HuggingFace tokenizers'
# WordPieceTrainer (vocab 30000), and tokenize with a WordPiece vocabulary
# next to HuggingFace's encode (BertWordPieceTokenizer set-up), with 1 and 2
# threads; checks on the way that both encode the corpus to the same ids.
#
# usage: bench/wordpiece/run.sh [CORPUS_DIR]
#   CORPUS_DIR (default $PTK_BENCH_DIR) holds corpus100.txt (see the shared
#   corpus builder).  PTK_NPM_DIR names a folder where "npm install
#   tokenizers" was run (default: installed into build/bench-npm).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$here/../..
dir=${1:-${PTK_BENCH_DIR:?give CORPUS_DIR or set PTK_BENCH_DIR}}
npm_dir=${PTK_NPM_DIR:-$root/build/bench-npm}
if [ ! -d "$npm_dir/node_modules/tokenizers" ]; then
	mkdir -p "$npm_dir"
	(cd "$npm_dir" && npm install --silent --no-audit --no-fund tokenizers >/dev/null)
fi
export NODE_PATH=$npm_dir/node_modules
bin=$root/bin
work=$(mktemp -d "${TMPDIR:-/tmp}/ptk-bench-wp.XXXXXX")
trap 'rm -rf "$work"' EXIT
big=$dir/corpus100.txt
n=$(wc -c < "$big")

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
	printf '%-24s wall %7.2f s  cpu %7.2f s  peak %6s MB\n' "$name" "$wall" "$cpu" "$rss"
	eval "wall_${name//-/_}=$wall cpu_${name//-/_}=$cpu rss_${name//-/_}=$rss"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
v() { eval echo "\$${1//-/_}"; }

echo "== training: vocab 30000 on $(basename "$big") ($n bytes)"
for j in 1 2; do
	RAYON_NUM_THREADS=$j run "hf-train-j$j" node "$here/hf_train.js" "$big" "$work/hf$j.json"
	# HuggingFace's 30000 exclude the 5 special tokens it gets afterwards.
	run "ptk-train-j$j" "$bin/wordpiece-train" -j $j --text --vocab-size 30005 -o "$work/ours$j" "$big"
	echo "   wordpiece-train -j $j: $(ratio "$(v wall_hf-train-j$j)" "$(v wall_ptk-train-j$j)")x faster (wall)," \
	    "$(ratio "$(v cpu_hf-train-j$j)" "$(v cpu_ptk-train-j$j)")x less CPU," \
	    "peak memory $(ratio "$(v rss_ptk-train-j$j)" "$(v rss_hf-train-j$j)")x HuggingFace's"
done
cmp "$work/ours1/vocab.txt" "$work/ours2/vocab.txt" && echo "   -j 1 and -j 2: the same vocab.txt"
run "ptk-train-likelihood" "$bin/wordpiece-train" -j 2 --text --score likelihood -o "$work/lik" "$big"
common=$(sort "$work/ours1/vocab.txt" "$work/hf1.vocab.txt" | uniq -d | wc -l)
hfcommon=$(sort "$work/hf1.vocab.txt" "$work/hf2.vocab.txt" | uniq -d | wc -l)
echo "   tokens in common: ours and HuggingFace $common of 30005; two HuggingFace runs $hfcommon"

echo "== encoding $(basename "$big"), uncased, no [CLS]/[SEP]"
for vocab in ours1/vocab.txt hf1.vocab.txt; do
	echo "-- vocabulary $vocab"
	for j in 1 2; do
		run "ptk-encode-j$j" "$bin/tokenize" -j $j --vocab "$work/$vocab" --text "$big" --no-compress -o "$work/enc.tok"
		echo "   tokenize -j $j: $(awk -v n="$n" -v t="$(v wall_ptk-encode-j$j)" 'BEGIN { printf "%.1f MB/s", n / 1e6 / t }') (whole run: load, read, encode, write)"
	done
	ours=$("$bin/tokcat" "$work/enc.tok" | python3 -c '
import hashlib, json, struct, sys
h = hashlib.sha256(); n = 0
for line in sys.stdin:
    t = json.loads(line)["tokens"]; n += len(t); h.update(struct.pack("<%dI" % len(t), *t))
print(n, h.hexdigest())')
	for j in 1 2; do
		RAYON_NUM_THREADS=$j run "hf-encode-j$j" node "$here/hf_encode.js" "$work/$vocab" "$big"
		hf=$(python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); print(d["encode_s"], d["tokens"], d["sha256"])' "$work/hf-encode-j$j.out")
		set -- $hf
		echo "   HuggingFace encodeBatch, $j threads: $(awk -v n="$n" -v t="$1" 'BEGIN { printf "%.1f MB/s", n / 1e6 / t }') (encode calls only);" \
		    "tokenize is $(ratio "$1" "$(v wall_ptk-encode-j$j)")x faster"
		[ "$ours" = "$2 $3" ] && echo "   the same $2 ids as HuggingFace" || echo "   IDS DIFFER: ours $ours, HuggingFace $2 $3"
	done
done
