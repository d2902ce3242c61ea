# A body over --max-bytes yields no record; one under it does.
. "$TESTS/data/crawl/lib.sh"
start_server "$TESTS/data/crawl/site" --robots-status 404
crawl-fetch --state s.db --delay 0 --max-bytes 1000 --no-compress \
    "$BASE/big/5000" "$BASE/big/1000" > out.jsonl 2> err
jq -r '[.url, (.text | length)] | @tsv' out.jsonl | sed "s|$BASE||g"
grep -o 'too-large 1' err
