# A truncated zstd stream is bad input: exit 1.
awk 'BEGIN { for (i = 0; i < 2000; i++) printf "{\"id\":\"%d\",\"text\":\"some text number %d\"}\n", i, i }' |
	zstd -q -c > full.zst
head -c 3000 full.zst > cut.zst
dedup -q cut.zst > /dev/null
