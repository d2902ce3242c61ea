# Text-to-text with the task named by a prefix, as T5 does: "reverse: ..."
# and "copy: ..." on the same kind of inputs, so only the prefix says what
# to do.  A tiny T5 trained on both (--out) decodes held-out lines of each
# task with train sample (greedy) at high exact match; --init starts a new
# run from those weights (its first loss is far below a fresh run's), and
# sampling at a temperature is reproducible from its seed.
awk -v n=3000 'BEGIN {
	split("lord god king land house son people day man heaven earth water", w, " ")
	x = 11
	for (d = 0; d < n; d++) {
		s = ""; r = ""
		for (i = 0; i < 4; i++) {
			x = (x * 1103515245 + 12345) % 2147483648
			k = 1 + int(x / 65536) % 12
			s = s (i ? " " : "") w[k]; r = (i ? w[k] " " r : w[k])
		}
		if (d % 2)
			printf "{\"input\":\"reverse: %s\",\"target\":\"%s\"}\n", s, r
		else
			printf "{\"input\":\"copy: %s\",\"target\":\"%s\"}\n", s, s
	}
}' > all.jsonl
head -n 2800 all.jsonl > train.jsonl
tail -n 200 all.jsonl > held.jsonl
jq -r '.input + " " + .target' all.jsonl > words.txt
bpe-train --vocab-size 300 --special-tokens '<|endoftext|>' --text -o tok -q words.txt
train --model t5-tiny --text train.jsonl -t tok --steps 800 -B 16 --lr 3e-3 \
	--eval-every 0 -j 1 --log log.jsonl --out ck
train sample -c ck -t tok --input held.jsonl --temperature 0 -n 12 -q > out.jsonl
test "$(wc -l < out.jsonl)" = 200
for task in reverse copy; do
	jq -e -s --arg t "$task" 'map(select(.input | startswith($t + ":"))) |
	    (length == 100) and ((map(select(.exact)) | length) >= 95)' out.jsonl >/dev/null
done
# Sampling: the same seed, the same outputs; --prompt decodes one input.
train sample -c ck -t tok --prompt "copy: god king land day" --temperature 0.8 --seed 5 -s 3 > s1.jsonl
train sample -c ck -t tok --prompt "copy: god king land day" --temperature 0.8 --seed 5 -s 3 > s2.jsonl
cmp s1.jsonl s2.jsonl
test "$(jq -s 'length' s1.jsonl)" = 3
train --model t5-tiny --text train.jsonl -t tok --steps 1 -B 16 -j 1 --log fresh.jsonl --eval-every 0
train --model t5-tiny --text train.jsonl -t tok --steps 1 -B 16 -j 1 --log init.jsonl --eval-every 0 --init ck
jq -e -n --slurpfile a fresh.jsonl --slurpfile b init.jsonl \
	'$b[0].loss < 0.3 * $a[0].loss' >/dev/null
