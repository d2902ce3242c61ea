# Few-shot evaluation where a tiny model can use the shots.  Pre-training
# documents each pair two made-up words with colours at random and repeat
# the pairs ("zub gold", blank line, "kaf red", ...), so the only way to
# predict a colour is to copy it from earlier in the context.  Three tasks
# each ask for the colours of a new pairing: with 0 shots the model can
# only guess, with k shots (drawn from the task's other lines) the answer
# is usually in the prompt, and the mean accuracy over the tasks rises with
# k; every run gives the same numbers.  The sanitizer build runs the same
# commands on a short training, without the learning checks.
awk -v n=3000 'BEGIN {
	split("zub kaf mip tor vel nox rif dag lum pes", K, " ")
	split("red blue green gold black white pink gray", V, " ")
	x = 3
	for (d = 0; d < n; d++) {
		for (i = 1; i <= 10; i++) {
			x = (x * 1103515245 + 12345) % 2147483648
			m[i] = 1 + int(x / 65536) % 8
		}
		t = ""
		for (j = 0; j < 32; j++) {
			x = (x * 1103515245 + 12345) % 2147483648
			k = 1 + int(x / 65536) % 2 + (d % 5) * 2
			t = t K[k] " " V[m[k]] "\\n\\n"
		}
		printf "{\"id\":\"d%d\",\"text\":\"%s\"}\n", d, t
	}
}' > docs.jsonl
# task SEED PAIR: 200 four-way questions on keys 2 PAIR + 1 and 2 PAIR + 2
task() {
	awk -v n=200 -v seed="$1" -v pair="$2" 'BEGIN {
		split("zub kaf mip tor vel nox rif dag lum pes", K, " ")
		split("red blue green gold black white pink gray", V, " ")
		x = seed
		for (i = 1; i <= 2; i++) {
			x = (x * 1103515245 + 12345) % 2147483648
			m[i] = 1 + int(x / 65536) % 8
		}
		for (d = 0; d < n; d++) {
			x = (x * 1103515245 + 12345) % 2147483648
			k = 1 + int(x / 65536) % 2
			x = (x * 1103515245 + 12345) % 2147483648
			lab = int(x / 65536) % 4
			c = ""
			delete seen
			for (j = 0; j < 4; j++) {
				if (j == lab)
					v = m[k]
				else
					do {
						x = (x * 1103515245 + 12345) % 2147483648
						v = 1 + int(x / 65536) % 8
					} while (v == m[k] || v in seen)
				seen[v] = 1
				c = c (j ? "," : "") "\" " V[v] "\""
			}
			printf "{\"context\":\"%s\",\"choices\":[%s],\"label\":%d}\n", K[k + 2 * pair], c, lab
		}
	}'
}
task 99 0 > t1.jsonl
task 199 1 > t2.jsonl
task 299 3 > t3.jsonl
steps=1000
[ -n "${PTK_SANITIZED:-}" ] && steps=20
bpe-train --vocab-size 120 --special-tokens '<|endoftext|>' -o bpe docs.jsonl -q
tokenize --vocab bpe docs.jsonl -o d.tok
train --data d.tok --model gpt-tiny -T 128 -B 8 --steps $steps --lr 2e-3 \
	--warmup 50 -q -j 2 --out ck
for k in 0 2 8; do
	for t in 1 2 3; do
		train eval --checkpoint ck --tokenizer bpe --task t$t.jsonl --shots $k -j 2
	done | jq -s '{shots: .[0].shots, accuracy: (map(.accuracy) | add / 3)}' > k$k.json
done
train eval --checkpoint ck --tokenizer bpe --task t2.jsonl --shots 8 -j 1 > a.json
train eval --checkpoint ck --tokenizer bpe --task t2.jsonl --shots 8 -j 2 > b.json
cmp a.json b.json
[ -n "${PTK_SANITIZED:-}" ] && exit 0
jq -e -n --slurpfile a k0.json --slurpfile b k2.json --slurpfile c k8.json \
	'$b[0].accuracy > $a[0].accuracy + 0.15 and $c[0].accuracy > 0.65 and
	 $c[0].accuracy > $a[0].accuracy + 0.25 and $c[0].shots == 8' >/dev/null
