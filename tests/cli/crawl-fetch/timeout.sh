# A response slower than --timeout is retried, then fails as "timeout".
. "$TESTS/data/crawl/lib.sh"
start_server "$TESTS/data/crawl/site" --robots-status 404
crawl-fetch --state s.db --delay 0 --timeout 1 --retries 1 --retry-wait 0.05 \
    --no-compress "$BASE/slow/4" "$BASE/page1.html" > out.jsonl 2> err
jq -r '.url' out.jsonl | sed "s|$BASE||"
grep -c 'GET /slow/4' requests.log
grep -o 'timeout 1' err
