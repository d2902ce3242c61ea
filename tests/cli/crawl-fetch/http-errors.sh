# 404 fails at once; 500 is retried with backoff and then fails; 429 with
# Retry-After and a 500 that recovers are fetched on the next try.
. "$TESTS/data/crawl/lib.sh"
start_server "$TESTS/data/crawl/site" --robots-status 404
s=$(date +%s.%N)
crawl-fetch --state s.db --delay 0 --retries 2 --retry-wait 0.05 --no-compress \
    "$BASE/status/404" "$BASE/status/500" "$BASE/flaky/429/a" "$BASE/flaky/503/b" \
    > out.jsonl 2> err
e=$(date +%s.%N)
jq -r '.url' out.jsonl | sed "s|$BASE||" | sort
sort requests.log | uniq -c | sed 's/^ *//'
grep -o 'retries.*' err
# Retry-After: 1 was honoured (the backoff alone would be 0.05 s)
awk -v s="$s" -v e="$e" 'BEGIN { print (e - s >= 1.0) ? "waited" : "too fast" }'
python3 -c 'import sqlite3
for r in sqlite3.connect("s.db").execute(
        "select status, reason from urls where state = 3 order by id"):
    print("%d|%s" % r)'
