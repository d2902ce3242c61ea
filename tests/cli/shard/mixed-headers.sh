# Inputs must share a vocabulary and kind.
tokcat --pack --vocab-size 1000 "$TESTS/data/shard/seq.jsonl" >a.tok
tokcat --pack --vocab-size 2000 "$TESTS/data/shard/seq.jsonl" >b.tok
shard -o out a.tok b.tok
