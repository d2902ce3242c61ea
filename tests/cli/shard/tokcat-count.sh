# tokcat DIR: --count, --head, --header on a shard folder.
set -e
tokcat --pack --vocab-size 1000 --special eos=999 --fingerprint abc "$TESTS/data/shard/seq.jsonl" >in.tok
shard --val-fraction 0.5 -o out in.tok
tokcat --count out
tokcat --head 1 --header out
