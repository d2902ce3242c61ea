# --delay spaces requests to one origin; a robots.txt Crawl-delay larger
# than --delay wins.  Four pages each: at least three gaps.
. "$TESTS/data/crawl/lib.sh"
elapsed() {	# command... : prints whole tenths of a second taken
	local s e
	s=$(date +%s%N)
	"$@"
	e=$(date +%s%N)
	echo $(( (e - s) / 100000000 ))
}
start_server "$TESTS/data/crawl/site2"
t=$(elapsed crawl-fetch -q --state a.db --delay 0 --no-compress \
    "$BASE/gen/1" "$BASE/gen/2" "$BASE/gen/3" "$BASE/gen/4" -o a.jsonl)
[ "$t" -ge 12 ] && echo "crawl-delay 0.4 honoured"
t=$(elapsed crawl-fetch -q --state b.db --delay 0.5 --no-compress \
    "$BASE/gen/5" "$BASE/gen/6" "$BASE/gen/7" "$BASE/gen/8" -o b.jsonl)
[ "$t" -ge 15 ] && echo "--delay 0.5 honoured"
cat a.jsonl b.jsonl | wc -l
