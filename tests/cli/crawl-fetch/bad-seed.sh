# A seed line that is not an http, https or file URL is bad input (exit 1),
# and nothing from that run is kept in the state.
printf 'http://127.0.0.1:1/a\n# a comment\n\nftp://example.com/x\n' > seeds.txt
crawl-fetch --state s.db --no-compress seeds.txt
rc=$?
python3 -c 'import sqlite3; print(sqlite3.connect("s.db").execute("select count(*) from urls").fetchone()[0])' >&2
exit $rc
