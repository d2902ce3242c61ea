# --max-pages stops early and leaves the rest queued; running again on the
# same state finishes the crawl without fetching a page twice.
cp -r "$TESTS/data/crawl/site" site
crawl-fetch -q --state s.db --follow --max-pages 2 --no-compress \
    "file://$PWD/site/index.html" > one.jsonl
wc -l < one.jsonl
crawl-fetch -q --state s.db --follow --no-compress < /dev/null > two.jsonl
cat one.jsonl two.jsonl | jq -r .url | sed "s|$PWD||" | sort | uniq -c | sed 's/^ *//'
