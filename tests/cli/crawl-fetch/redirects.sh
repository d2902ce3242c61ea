# Redirects are followed (each hop recorded in the state), the record names
# the first URL of the chain; a loop ends; a chain over --max-redirects fails.
. "$TESTS/data/crawl/lib.sh"
start_server "$TESTS/data/crawl/site" --robots-status 404
crawl-fetch --state s.db --delay 0 --max-redirects 3 --no-compress \
    "$BASE/redirect/3" "$BASE/loop/a" > out.jsonl 2> err
jq -r '[.url, .metadata.redirected_from] | @tsv' out.jsonl | sed "s|$BASE||g"
grep -o '5 redirects' err
rm -f s.db*
crawl-fetch --state s.db --delay 0 --max-redirects 2 --no-compress \
    "$BASE/redirect/4" > out2.jsonl 2> err
wc -l < out2.jsonl
grep -o 'redirect 1' err
