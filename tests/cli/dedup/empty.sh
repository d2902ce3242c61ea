# An empty stream: nothing out, exit 0, in every mode.
: > empty.jsonl
dedup -q --no-compress empty.jsonl | wc -c
dedup -q --no-compress < /dev/null | wc -c
dedup sign -q -o e.sig empty.jsonl && dedup merge -q e.sig && dedup filter -q --no-compress --keep e.sig.keep empty.jsonl | wc -c
