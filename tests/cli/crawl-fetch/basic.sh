# Crawl the test site with --follow: robots.txt rules, link normalisation,
# HTML and plain-text records; disallowed URLs are never requested.
. "$TESTS/data/crawl/lib.sh"
start_server "$TESTS/data/crawl/site"
crawl-fetch -q --state s.db --user-agent testbot/1.0 --delay 0 --follow \
    --no-compress "$BASE/" > out.jsonl
jq -r '.url' out.jsonl | sed "s|$BASE||" | sort
jq -r 'select(.url|endswith("/")) | .text, .metadata.title, .metadata.status,
    .metadata.content_type, .metadata.depth' out.jsonl
jq -r 'select(.url|endswith("notes.txt")) | .text' out.jsonl
# never requested: disallowed by robots.txt, rel=nofollow, out of scope
grep -c -E 'secret|pdf|nofollow' requests.log
sort requests.log | uniq -d
