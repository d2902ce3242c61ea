# Text-to-text: a tiny T5 learns "reverse: w1 w2 w3 w4" -> "w4 w3 w2 w1"
# over 12 corpus words (20,736 possible inputs, 2000 examples) and decodes
# the 100 held-out ones greedily with high exact match.
awk 'BEGIN {
	split("lord god king land house son people day man heaven earth water", w, " ")
	x = 7
	for (d = 0; d < 2000; d++) {
		s = "reverse:"; r = ""
		for (i = 0; i < 4; i++) {
			x = (x * 1103515245 + 12345) % 2147483648
			k = 1 + int(x / 65536) % 12
			s = s " " w[k]; r = (i ? w[k] " " r : w[k])
		}
		printf "{\"input\":\"%s\",\"target\":\"%s\"}\n", s, r
	}
}' > rev.jsonl
jq -r '.input + " " + .target' rev.jsonl > words.txt
bpe-train --vocab-size 300 --special-tokens '<|endoftext|>' --text -o tok -q words.txt
train --model t5-tiny --text rev.jsonl -t tok --steps 300 -B 16 --lr 3e-3 \
	--eval-every 100 -j 1 --log log.jsonl
jq -e -s '(.[-1].examples == 100) and (.[-1].exact_match >= 0.9) and
	(.[0].val_loss > 4) and (.[-2].val_loss < 0.5)' log.jsonl > /dev/null
