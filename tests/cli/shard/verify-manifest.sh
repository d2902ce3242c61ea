# A manifest that disagrees with its shards.
tokcat --pack --vocab-size 1000 "$TESTS/data/shard/seq.jsonl" >in.tok
shard -o out in.tok || exit 9
sed -i 's/"tokens": 71}/"tokens": 72}/' out/manifest.json
shard --verify out
sed -i 's/"tokens": 72}/"tokens": 71}/; s/"records": 8, "tokens": 71, /"records": 7, "tokens": 71, /' out/manifest.json
shard --verify out
sed -i 's/"version": 1/"version": 7/' out/manifest.json
shard --verify out
