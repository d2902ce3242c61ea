#!/usr/bin/env bash
# dedup --exact against sort -u and awk '!seen[$0]++': on one-line documents
# whose text is already normalised (single spaces, NFC), exact dedup keeps
# exactly the first copy of each distinct text, so the texts it keeps must be
# awk's output line for line, and sort -u's set.
set -euo pipefail
work=$(mktemp -d "${TMPDIR:-/tmp}/ref-dedup.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
# 20000 lines over a small vocabulary, with many repeats, some non-ASCII.
awk 'BEGIN { srand(7); split("alpha beta gamma delta caf\xc3\xa9 na\xc3\xafve \xce\xbb stra\xc3\x9fe 42 x-ray", w, " ");
	for (i = 0; i < 20000; i++) { n = 1 + int(rand() * 3); t = "";
		for (j = 0; j < n; j++) t = t (j ? " " : "") w[1 + int(rand() * 10)] (int(rand() * 30));
		print t } }' > lines.txt
awk '{ printf "{\"id\":\"%d\",\"text\":\"%s\"}\n", NR, $0 }' lines.txt > docs.jsonl
dedup -q --exact --no-compress docs.jsonl | sed 's/.*"text":"\(.*\)"}$/\1/' > kept.txt
awk '!seen[$0]++' lines.txt > want.txt
cmp kept.txt want.txt
LC_ALL=C sort -u lines.txt > want-sorted.txt
LC_ALL=C sort kept.txt | cmp - want-sorted.txt
echo "exact: $(wc -l < kept.txt) of $(wc -l < lines.txt) lines kept, same as sort -u and awk"
