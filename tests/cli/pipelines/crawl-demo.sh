# The demo's path: the corpus published as a local site, crawled through file:// URLs,
# deduplicated and decontaminated (the bundled verses benchmark hits 4 of its 6 examples).
set -eo pipefail
tokcat --head 30 "$TESTS/../data/kjv.jsonl.zst" | python3 "$TESTS/../pipelines/make-site.py" site
. "$TESTS/../pipelines/common.sh"
mkdir out
BENCH="verses=$TESTS/../data/benchmarks/verses.jsonl" text_stage out "file://$PWD/site/index.html" > clean.txt 2> log.txt || { cat log.txt >&2; exit 1; }
tokcat --count "$(cat clean.txt)" | jq -c '{records}'
jq -c '.benchmarks.verses | {examples, contaminated: (.contaminated_examples | length)}' out/decontam-report.json
