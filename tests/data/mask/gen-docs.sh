#!/usr/bin/env bash
# gen-docs.sh N SEED: N documents as token JSON Lines with sentence bounds
# (ids 10..29999, 1..12 sentences of 2..30 tokens); doc i has tokens that
# encode nothing, so tests look at structure, not content.
awk -v n="$1" -v seed="$2" 'BEGIN {
	srand(seed)
	for (d = 0; d < n; d++) {
		ns = 1 + int(rand() * 12); pos = 0; t = ""; b = ""
		for (s = 0; s < ns; s++) {
			b = b (s ? "," : "") pos
			len = 2 + int(rand() * 29)
			for (k = 0; k < len; k++) {
				t = t (pos ? "," : "") (10 + int(rand() * 29990))
				pos++
			}
		}
		printf "{\"id\":\"doc-%d\",\"tokens\":[%s],\"bounds\":[%s]}\n", d, t, b
	}
}'
