#!/usr/bin/env bash
# bench/io - doc-record read -> write throughput of tokcat next to zstd and jq.
#
# Usage: bench/io/run.sh CORPUS.txt [MB]
#   CORPUS.txt  plain text (e.g. corpus100.txt from shared bench material);
#               blank-line-separated paragraphs become doc records
#   MB          how much of it to use (default 100)
# Prints MB/s (of decoded JSON Lines) for each command and tokcat's ratio.
set -euo pipefail
corpus=${1:?usage: bench/io/run.sh CORPUS.txt [MB]}
mb=${2:-100}
bin=$(cd "$(dirname "$0")/../.." && pwd)/bin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

head -c "$((mb << 20))" "$corpus" | python3 -c '
import json, sys
buf, n = [], 0
for line in sys.stdin:
    if line.strip():
        buf.append(line.rstrip("\n"))
        continue
    if buf:
        n += 1
        sys.stdout.write(json.dumps({"id": "p%d" % n, "text": "\n".join(buf)}, ensure_ascii=False) + "\n")
        buf = []
if buf:
    sys.stdout.write(json.dumps({"id": "p%d" % (n + 1), "text": "\n".join(buf)}, ensure_ascii=False) + "\n")
' > "$work/docs.jsonl"
zstd -q -3 "$work/docs.jsonl" -o "$work/docs.jsonl.zst"
size=$(stat -c %s "$work/docs.jsonl")
records=$(wc -l < "$work/docs.jsonl")
cat "$work/docs.jsonl" "$work/docs.jsonl.zst" > /dev/null	# warm the page cache

best() {	# best wall time of 3 runs of a shell command
	local t best=
	for _ in 1 2 3; do
		t=$( { /usr/bin/time -f %e bash -c "$1" >/dev/null; } 2>&1 | tail -n 1)
		if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
	done
	echo "$best"
}
rate() { awk -v s="$size" -v t="$1" 'BEGIN{ if (t < 0.005) t = 0.005; printf "%.0f", s / 1048576 / t }'; }

echo "input: $((size >> 20)) MB of JSON Lines, $records records"
printf '%-44s %8s %8s\n' command seconds MB/s
run() {
	local t
	t=$(best "$2")
	printf '%-44s %8s %8s\n' "$1" "$t" "$(rate "$t")"
	eval "$3=$t"
}
run "tokcat plain -> plain" "$bin/tokcat $work/docs.jsonl > /dev/null" t_plain
run "tokcat zstd -> zstd (--compress)" "$bin/tokcat --compress $work/docs.jsonl.zst > /dev/null" t_zstd
run "zstd -d | zstd -3 (no parsing)" "zstd -q -d -c $work/docs.jsonl.zst | zstd -q -3 -c > /dev/null" t_zz
run "jq -c . plain -> plain" "jq -c . $work/docs.jsonl > /dev/null" t_jq
awk -v a="$t_jq" -v b="$t_plain" 'BEGIN{printf "tokcat is %.1fx faster than jq -c . (plain)\n", a / b}'
awk -v a="$t_zz" -v b="$t_zstd" 'BEGIN{printf "tokcat zstd->zstd takes %.2fx the time of zstd -d | zstd\n", b / a}'
