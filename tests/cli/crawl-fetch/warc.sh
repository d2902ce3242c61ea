# WARC output read back by an independent reader written from the WARC 1.1
# spec (fields, lengths, block and payload digests, one zstd frame per
# record: each doc record's warc_offset starts its response record).
. "$TESTS/data/crawl/lib.sh"
start_server "$TESTS/data/crawl/site"
crawl-fetch -q --state s.db --user-agent testbot/1.0 --delay 0 --follow \
    --warc crawl.warc.zst "$BASE/" "$BASE/chunked" | zstd -dcq > out.jsonl
python3 "$TESTS/data/crawl/warc_check.py" crawl.warc.zst out.jsonl
# plain WARC too
rm -f s.db*
crawl-fetch -q --state s.db --user-agent testbot/1.0 --delay 0 --no-compress \
    --warc crawl.warc "$BASE/chunked" > out2.jsonl
python3 "$TESTS/data/crawl/warc_check.py" crawl.warc out2.jsonl
head -c 8 crawl.warc; echo
