# enc.bash - sourced by the encoder train CLI tests: toy documents whose
# sentences climb (sentence i of a document starting at s is a, 3a mod 63
# + 1, 7a mod 63 + 1 with a = 1 + 4 i + (s + i) mod 4), so a masked token is
# predictable from its sentence, and whether B follows A (NSP) or came
# before it (SOP) from the ranges of a in A and B.
# Vocabulary 68: 0..63 words, 64 [CLS], 65 [SEP], 66 [MASK], 67 [PAD].
enc_json() {
	awk -v n="$1" -v seed="${2:-12345}" 'BEGIN {
		x = seed
		for (d = 0; d < n; d++) {
			printf "{\"id\":\"d%d\",\"tokens\":[", d
			x = (x * 1103515245 + 12345) % 2147483648
			ns = 6 + x % 8
			x = (x * 1103515245 + 12345) % 2147483648
			s = x % 60
			b = ""
			for (i = 0; i < ns; i++) {
				a = 1 + 4 * i + (s + i) % 4
				printf "%s%d,%d,%d", (i ? "," : ""), a, (a * 3) % 63 + 1, (a * 7) % 63 + 1
				b = b (i ? "," : "") (3 * i)
			}
			printf "],\"bounds\":[%s]}\n", b
		}
	}'
}

# enc_seq N FILE: seq records with sentence bounds.
enc_seq() {
	enc_json "$1" "${3:-12345}" | tokcat --pack --vocab-size 68 --special cls=64 \
	    --special sep=65 --special mask=66 --special pad=67 -o "$2"
}
