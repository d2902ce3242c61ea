# kill -9 in the middle of a crawl, then resume with the same state: every
# page is written exactly once.  First to one file appended by both runs
# (the resumed run cuts off what the killed one had not committed, so the
# zstd stream stays whole), then to two separate plain files.  The scope
# is a PCRE2 pattern that keeps the crawl on the generated pages.
. "$TESTS/data/crawl/lib.sh"
start_server "$TESTS/data/crawl/site" --robots-status 404 --gen-limit 300 \
    --gen-sleep 0.03
run() {	# state output-redirection...
	exec crawl-fetch -q --state "$1" --delay 0 --max-connections 4 --per-host 4 \
	    --follow --max-depth 10 --scope '/gen/[0-9]+$' "${@:2}" "$BASE/gen/0"
}
check() {	# jsonl: all 300 pages, none twice
	jq -r .url "$1" | sed "s|$BASE/gen/||" | sort > urls
	seq 0 299 | sort > want
	echo "$(wc -l < urls) records, $(sort -u urls | wc -l) distinct," \
	    "$(sort -u urls | comm -3 want - | wc -l) missing or extra"
}
killrun() {	# file command...: kill -9 the run once FILE has grown (a batch
		# was written), silencing bash's "Killed" notice
	local f=$1 size
	shift
	size=$(stat -c %s "$f" 2>/dev/null || echo 0)
	(
		( "$@" ) &
		pid=$!
		for i in $(seq 200); do
			[ "$(stat -c %s "$f" 2>/dev/null || echo 0)" -gt "$size" ] && break
			sleep 0.05
		done
		kill -9 $pid
		wait $pid
	) 2>/dev/null
}
killrun out.zst run a.db >> out.zst
killed=$(zstd -dcq out.zst 2>/dev/null | wc -l)
( run a.db >> out.zst )
zstd -dcq out.zst > all.jsonl
check all.jsonl
[ "$killed" -gt 0 ] && [ "$killed" -lt 300 ] && echo "killed mid-crawl"
# the second way: --no-compress, a new file per run
killrun one.jsonl run b.db --no-compress > one.jsonl
python3 -c 'import sqlite3
for (u,) in sqlite3.connect("b.db").execute("select url from urls where state = 2"):
    print(u[u.index("/gen/"):])' | sort > done-before
: > requests.log
( run b.db --no-compress > two.jsonl )
cat one.jsonl two.jsonl > both.jsonl
check both.jsonl
# pages recorded done before the kill were not fetched again
[ -s done-before ] && echo "some were done before the kill"
awk '{ print $2 }' requests.log | sort | comm -12 done-before - | wc -l
