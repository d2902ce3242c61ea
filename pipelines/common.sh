# common.sh - helpers the pipelines source: where the programs are, stage banners.
# Not a program: source it from a pipeline script that has `set -euo pipefail`.

ptk_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Programs: $PTK_BIN, else the checkout's bin/, else whatever is on PATH.
if [ -n "${PTK_BIN:-}" ]; then
	PATH="$PTK_BIN:$PATH"
elif [ -x "$ptk_top/bin/tokcat" ]; then
	PATH="$ptk_top/bin:$PATH"
fi
export PATH

step() { printf '\n== %s\n' "$*" >&2; }
die() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; exit 2; }

# is_url WORD: an http(s) or file URL.
is_url() { case "$1" in http://*|https://*|file://*) return 0 ;; esac; return 1; }

# text_stage OUT INPUT... - the text stage every pipeline shares:
# [crawl-fetch when the inputs are URLs] -> dedup -> [benchmark-decontaminate
# when $BENCH lists NAME=FILE pairs].  Prints the path of the clean doc records.
text_stage() {
	local out=$1
	shift
	local docs urls=()
	for x in "$@"; do
		if is_url "$x"; then urls+=("$x"); fi
	done
	if [ ${#urls[@]} -gt 0 ]; then
		[ ${#urls[@]} -eq $# ] || die "give either URLs or doc record files, not both"
		step "crawl-fetch: ${#urls[@]} seed URL(s), following links (depth ${CRAWL_DEPTH:-3})" 
		rm -f "$out/crawl.db"
		crawl-fetch --state "$out/crawl.db" --follow --max-depth "${CRAWL_DEPTH:-3}" \
		    ${CRAWL_OPTS:-} --warc "$out/crawl.warc.zst" -o "$out/pages.jsonl.zst" "${urls[@]}"
		tokcat --count "$out/pages.jsonl.zst" >&2
		docs=("$out/pages.jsonl.zst")
	else
		docs=("$@")
	fi
	step "dedup: exact and near-duplicate documents"
	dedup --report "$out/dedup-report.jsonl" -o "$out/dedup.jsonl.zst" "${docs[@]}"
	local clean=$out/dedup.jsonl.zst
	if [ -n "${BENCH:-}" ]; then
		local args=() b
		for b in $BENCH; do args+=(--bench "$b"); done
		step "benchmark-decontaminate: 13-gram overlap with ${BENCH}"
		benchmark-decontaminate "${args[@]}" --report "$out/decontam-report.json" \
		    -o "$out/clean.jsonl.zst" "$clean"
		jq -c '.benchmarks | map_values({examples, contaminated_examples: (.contaminated_examples | length)})' \
		    "$out/decontam-report.json" >&2
		clean=$out/clean.jsonl.zst
	fi
	tokcat --count "$clean" >&2
	echo "$clean"
}
