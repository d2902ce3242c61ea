# Few-shot evaluation where a tiny model can use the shots.  Pre-training
# documents each pair three made-up words with colours at random and repeat
# the pairs ("zub gold", blank line, "kaf red", ...), so the only way to
# predict a colour is to copy it from earlier in the context.  The task
# asks for the colours of a fixed random pairing never seen as such: with 0
# shots the model can only guess, with k shots (drawn from the task's other
# lines) the answer is often in the prompt, and accuracy rises; every run
# gives the same numbers.
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
		for (j = 0; j < 24; j++) {
			x = (x * 1103515245 + 12345) % 2147483648
			k = 1 + int(x / 65536) % 3 + (d % 4) * 2
			t = t K[k] " " V[m[k]] "\\n\\n"
		}
		printf "{\"id\":\"d%d\",\"text\":\"%s\"}\n", d, t
	}
}' > docs.jsonl
awk -v n=200 'BEGIN {
	split("zub kaf mip tor vel", K, " ")
	split("red blue green gold black white pink gray", V, " ")
	x = 99
	for (i = 1; i <= 5; i++) {
		x = (x * 1103515245 + 12345) % 2147483648
		m[i] = 1 + int(x / 65536) % 8
	}
	for (d = 0; d < n; d++) {
		x = (x * 1103515245 + 12345) % 2147483648
		k = 1 + int(x / 65536) % 5
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
		printf "{\"context\":\"%s\",\"choices\":[%s],\"label\":%d}\n", K[k], c, lab
	}
}' > task.jsonl
bpe-train --vocab-size 120 --special-tokens '<|endoftext|>' -o bpe docs.jsonl -q
tokenize --vocab bpe docs.jsonl -o d.tok
train --data d.tok --model gpt-tiny -T 128 -B 8 --steps 1000 --lr 2e-3 \
	--warmup 50 -q -j 2 --out ck
for k in 0 2 8; do
	train eval --checkpoint ck --tokenizer bpe --task task.jsonl --shots $k -j 2 > k$k.json
done
train eval --checkpoint ck --tokenizer bpe --task task.jsonl --shots 8 -j 1 > again.json
cmp k8.json again.json
jq -e -n --slurpfile a k0.json --slurpfile b k2.json --slurpfile c k8.json \
	'$b[0].accuracy > $a[0].accuracy + 0.15 and
	 $c[0].accuracy > $a[0].accuracy + 0.2 and $c[0].shots == 8' >/dev/null
