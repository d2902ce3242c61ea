# The exit status itself of a usage error.
dedup --bands 0 x.jsonl
