# -o FILE appends on resume, and a resumed crawl first cuts the file back to the
# size the state committed: bytes a killed run left after its last commit (here,
# simulated garbage) are dropped, so the zstd stream stays whole.
mkdir site
for p in a b c; do printf '<title>%s</title><p>page %s</p>' $p $p > site/$p.html; done
crawl-fetch -q --state s.db -o out.zst "file://$PWD/site/a.html"
printf 'partial frame from a killed run' >> out.zst
crawl-fetch -q --state s.db -o out.zst "file://$PWD/site/b.html"
crawl-fetch -q --state s.db -o out.zst "file://$PWD/site/c.html" "file://$PWD/site/a.html"
zstd -dcq out.zst | jq -r '.metadata.title + " " + .text'
# a new crawl (a new state) starts the file afresh, and its WARC file too
crawl-fetch -q --state s2.db -o out.zst --warc w.zst "file://$PWD/site/b.html"
crawl-fetch -q --state s3.db -o out.zst --warc w.zst "file://$PWD/site/c.html"
zstd -dcq out.zst | jq -r .url | sed "s|$PWD||"
zstd -dcq w.zst | grep -c '^WARC-Type: resource'
