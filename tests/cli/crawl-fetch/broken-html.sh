# Broken HTML gets the tree a browser would build (HTML5 parsing).
. "$TESTS/data/crawl/lib.sh"
start_server "$TESTS/data/crawl/site" --robots-status 404
crawl-fetch -q --state s.db --delay 0 --no-compress "$BASE/broken.html" |
    jq -r '.metadata.title, .text'
