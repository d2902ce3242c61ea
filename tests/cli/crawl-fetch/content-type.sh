# Only --accept media types become records (default text/html, text/plain);
# a body without a Content-Type is sniffed.
. "$TESTS/data/crawl/lib.sh"
start_server "$TESTS/data/crawl/site" --robots-status 404
crawl-fetch --state s.db --delay 0 --no-compress "$BASE/image.png" \
    "$BASE/notes.txt" "$BASE/page1.html" > out.jsonl 2> err
jq -r '[.url, .metadata.content_type] | @tsv' out.jsonl | sed "s|$BASE||g" | sort
grep -o 'content-type 1' err
rm -f s.db*
crawl-fetch -q --state s.db --delay 0 --accept text/plain --no-compress \
    "$BASE/notes.txt" "$BASE/page1.html" | jq -r .url | sed "s|$BASE||g"
rm -f s.db*
crawl-fetch --state s.db --delay 0 --no-compress "$BASE/untyped/html" \
    "$BASE/untyped/bin" 2> err | jq -r '[.url, .metadata.content_type, .metadata.title] | @tsv' |
    sed "s|$BASE||g"
grep -o 'content-type 1' err
