# Usage errors exit 2.
dedup --threshold 1.5 x.jsonl 2>/dev/null; echo "threshold $?"
dedup --bins 3 x.jsonl 2>/dev/null; echo "bins $?"
dedup --no-such-option 2>/dev/null; echo "option $?"
dedup sign x.jsonl 2>/dev/null; echo "sign $?"
dedup merge 2>/dev/null; echo "merge $?"
dedup filter x.jsonl 2>/dev/null; echo "filter $?"
dedup merge --keep-dir k x/a.sig y/a.sig 2>/dev/null; echo "same keep-list $?"
