# robots.txt answering 503: everything is disallowed, robots.txt is asked
# again with backoff, and after the retries the origin's URLs fail with
# "robots-unavailable"; no page is ever requested.
. "$TESTS/data/crawl/lib.sh"
start_server "$TESTS/data/crawl/site" --robots-status 503
crawl-fetch --state s.db --delay 0 --retries 2 --retry-wait 0.05 \
    --no-compress "$BASE/" "$BASE/page1.html" > out.jsonl 2> err
wc -l < out.jsonl
sort requests.log | uniq -c | sed 's/^ *//'
grep -o 'robots-unavailable 2' err
