# Latin-1 from the Content-Type header, windows-1252 from <meta charset>:
# both become UTF-8 text.
. "$TESTS/data/crawl/lib.sh"
start_server "$TESTS/data/crawl/site" --robots-status 404
crawl-fetch -q --state s.db --delay 0 --no-compress "$BASE/latin1" \
    "$BASE/latin1-meta" | jq -r '[.metadata.charset, .metadata.title, .text] | @tsv'
