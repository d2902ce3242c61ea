#!/usr/bin/env bash
# run.sh - crawl-fetch throughput and memory against a loopback server.
#
# usage: bench/crawl-fetch/run.sh [PAGES] [FRONTIER]
#   PAGES     pages in the generated site (default 20000)
#   FRONTIER  URLs the frontier grows to in the memory run (default 1000000)
#
# 1. pages/s: crawl-fetch --follow over a generated site of PAGES HTML pages
#    (about 1.6 KiB each, 10 links per page) served by server.c on 127.0.0.1,
#    politeness off for localhost (--delay 0, 16 connections), doc records
#    and state written as usual; the same site crawled by wget2 -r (16
#    threads), the fastest recursive crawler packaged in Debian.
# 2. memory: pages with 1000 links each, --max-pages N, so that the frontier
#    (queued URLs in the state database) grows to FRONTIER/10 and FRONTIER;
#    peak RSS of both runs.
# Everything talks to 127.0.0.1 only; the server stops by itself.
set -euo pipefail
pages=${1:-20000}
frontier=${2:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
bin=${BIN:-$here/../../bin}
work=$(mktemp -d "${TMPDIR:-/tmp}/ptk-bench-crawl.XXXXXX")
server_pid=
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
exec 3>&1
cc -O2 -o server "$here/server.c"

serve() {	# limit fanout: start the server, set $base
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -f port
	./server port "$1" "$2" 600 &
	server_pid=$!
	for i in $(seq 100); do [ -s port ] && break; sleep 0.05; done
	base=http://127.0.0.1:$(cat port)
}
measure() {	# label command...: time it (t.txt: seconds, peak RSS KiB)
	local label=$1
	shift
	/usr/bin/time -f "%e %M %U %S" -o t.txt "$@"
	printf '%s: %s s, peak RSS %s KiB, CPU %s s user %s s sys\n' "$label" $(cat t.txt) >&3
}

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
serve "$pages" 10
rm -f s.db*
measure crawl-fetch "$bin/crawl-fetch" -q --state s.db --delay 0 --per-host 16 \
    --max-connections 16 --follow --max-depth 1000 "$base/gen/0" > out.zst
ours=$(zstd -dcq out.zst | wc -l)
t_ours=$(cut -d' ' -f1 t.txt)
rss_ours=$(cut -d' ' -f2 t.txt)
measure wget2 wget2 -q -r -l inf --max-threads 16 --no-host-directories -P w \
    "$base/gen/0" || true
theirs=$(find w -type f -path '*gen*' | wc -l)
t_theirs=$(cut -d' ' -f1 t.txt)
awk -v a="$ours" -v ta="$t_ours" -v b="$theirs" -v tb="$t_theirs" -v r="$rss_ours" 'BEGIN {
	printf "crawl-fetch: %d pages in %.2f s = %.0f pages/s (peak RSS %d KiB)\n", a, ta, a / ta, r
	printf "wget2:       %d pages in %.2f s = %.0f pages/s\n", b, tb, b / tb
	printf "ratio (crawl-fetch / wget2 pages/s): %.2f\n", (a / ta) / (b / tb) }'

# memory as the frontier grows
serve $((frontier * 10)) 1000
for f in $((frontier / 10)) "$frontier"; do
	rm -f m.db*
	measure "frontier-$f" "$bin/crawl-fetch" -q --state m.db --delay 0 --per-host 16 \
	    --max-connections 16 --follow --max-depth 1000 --max-pages $((f / 1000)) \
	    "$base/gen/0" > /dev/null
	python3 -c 'import sqlite3,sys
n = dict(sqlite3.connect(sys.argv[1]).execute("select state, count(*) from urls group by state"))
print("  %d pages fetched, %d URLs queued, state file %d MiB" % (n.get(2, 0), n.get(0, 0),
    int(sys.argv[2]) >> 20))' m.db "$(stat -c %s m.db)"
done
