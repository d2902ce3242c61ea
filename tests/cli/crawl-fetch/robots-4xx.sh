# robots.txt answering 404 means "allow all" (RFC 9309 2.3.1.3), and a
# robots.txt is cached in the state for the next run instead of fetched again.
. "$TESTS/data/crawl/lib.sh"
start_server "$TESTS/data/crawl/site" --robots-status 404
crawl-fetch -q --state s.db --delay 0 --no-compress "$BASE/private/secret.html" |
    jq -r .text
crawl-fetch -q --state s.db --delay 0 --no-compress "$BASE/page1.html" |
    jq -r .metadata.title
sort requests.log | uniq -c | sed 's/^ *//'
