# file:// URLs work offline (a bundled site): no robots.txt, no delay;
# rel=nofollow and links to missing files yield no record.
cp -r "$TESTS/data/crawl/site" site
crawl-fetch -q --state s.db --follow --no-compress "file://$PWD/site/index.html" |
    jq -r '[.url, .metadata.content_type, .metadata.title] | @tsv' | sed "s|$PWD||" | sort
