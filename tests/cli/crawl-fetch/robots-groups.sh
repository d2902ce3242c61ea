# robots.txt groups by product token: otherbot's group and "*" both say
# Disallow: /, so nothing but /robots.txt is requested and no record is
# written; testbot's group (shared with anotherbot) allows the home page.
. "$TESTS/data/crawl/lib.sh"
start_server "$TESTS/data/crawl/site"
for ua in "otherbot/2.0" "OtherBot" "ptk-crawl/1" "anotherbot (+http://x.invalid)"; do
	rm -f s.db*
	crawl-fetch -q --state s.db --user-agent "$ua" --delay 0 --no-compress \
	    "$BASE/" "$BASE/page1.html" | wc -l
done
sort requests.log | uniq -c | sed 's/^ *//'
