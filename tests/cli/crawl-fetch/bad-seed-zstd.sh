# A truncated zstd seed file is bad input: exit 1 with the offset.
printf 'http://127.0.0.1:1/a\n' | zstd -q | head -c 10 > seeds.zst
crawl-fetch --state s.db --no-compress seeds.zst
