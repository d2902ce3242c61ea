# A header without records: a valid folder with no shards.
set -e
tokcat --pack --vocab-size 1000 </dev/null | shard -o out
ls out
shard --verify out
