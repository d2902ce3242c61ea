# A resumed crawl cuts the WARC file back to the committed size before it
# appends (a killed run may have left a partial record), then adds its own
# warcinfo record: the file reads back whole.
mkdir site
for p in a b; do printf '<title>%s</title><p>page %s</p>' $p $p > site/$p.html; done
crawl-fetch -q --state s.db --warc w.warc.zst "file://$PWD/site/a.html" > /dev/null
head -c 100 w.warc.zst >> w.warc.zst
crawl-fetch -q --state s.db --warc w.warc.zst "file://$PWD/site/b.html" > /dev/null
python3 "$TESTS/data/crawl/warc_check.py" w.warc.zst
