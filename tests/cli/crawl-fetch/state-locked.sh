# A state in use by another crawl, or one that cannot be created: exit 3.
. "$TESTS/data/crawl/lib.sh"
start_server "$TESTS/data/crawl/site" --robots-status 404
crawl-fetch -q --state s.db --delay 0 --no-compress "$BASE/slow/3" > /dev/null &
first=$!
# wait until the first crawl holds the state (its request reached the server)
for i in $(seq 200); do grep -q slow requests.log 2>/dev/null && break; sleep 0.05; done
crawl-fetch --state s.db --no-compress "$BASE/page1.html"
echo "exit $?" >&2
wait $first
crawl-fetch --state no/such/dir/s.db --no-compress "$BASE/page1.html"
