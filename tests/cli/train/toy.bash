# toy.bash - sourced by the train CLI tests: small token-record data.
#
# toy_json N: N documents of a learnable toy language over ids 1..63
# (each "sentence" is a, 3a mod 63 + 1, 7a mod 63 + 1), as tokcat JSON.
toy_json() {
	awk -v n="$1" 'BEGIN {
		x = 12345
		for (d = 0; d < n; d++) {
			printf "{\"id\":\"d%d\",\"tokens\":[", d
			x = (x * 1103515245 + 12345) % 2147483648
			s = 5 + x % 20
			for (i = 0; i < s; i++) {
				x = (x * 1103515245 + 12345) % 2147483648
				a = 1 + x % 60
				printf "%s%d,%d,%d", (i ? "," : ""), a, (a * 3) % 63 + 1, (a * 7) % 63 + 1
			}
			printf "]}\n"
		}
	}'
}

# toy_tok N FILE: the same as token records (vocabulary 64, eos 0).
toy_tok() {
	toy_json "$1" | tokcat --pack --vocab-size 64 --special eos=0 -o "$2"
}

# A one-layer model that trains in well under a second.
small_model() {
	printf '{"preset":"gpt-tiny","n_layer":1,"n_embd":32,"n_head":2,"n_ctx":32}\n' > "$1"
}
