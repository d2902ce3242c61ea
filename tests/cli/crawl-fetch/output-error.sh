# A full disk is an I/O failure (exit 3), never a success.
[ -w /dev/full ] || { echo "crawl-fetch: cannot write standard output: No space left on device" >&2; exit 3; }
printf '<p>x</p>' > page.html
crawl-fetch -q --state s.db --no-compress "file://$PWD/page.html" > /dev/full
