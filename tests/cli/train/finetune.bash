# finetune.bash - sourced by the fine-tuning tests: two "books" of toy
# sentences over different word lists (book 0 of animals, book 1 of tools,
# both with shared filler words, one kind word in three), as doc records
# with a {text, label} field each (label = the book).
ft_docs() {
	awk -v n="$1" -v seed="${2:-7}" 'BEGIN {
		split("cat dog horse sheep goat cow lion bear wolf fox", w0, " ")
		split("hammer saw drill wrench chisel file plane lathe vise clamp", w1, " ")
		split("the a and of with near under over then so", f, " ")
		x = seed
		for (d = 0; d < n; d++) {
			x = (x * 1103515245 + 12345) % 2147483648
			book = int(x / 65536) % 2
			t = ""
			for (s = 0; s < 4; s++) {
				for (i = 0; i < 6; i++) {
					x = (x * 1103515245 + 12345) % 2147483648
					y = int(x / 65536)
					if (y % 3 == 0)
						wd = book ? w1[1 + int(y / 3) % 10] : w0[1 + int(y / 3) % 10]
					else
						wd = f[1 + int(y / 3) % 10]
					t = t (i ? " " : "") wd
				}
				t = t ". "
			}
			printf "{\"id\":\"b%d\",\"text\":\"%s\",\"label\":%d}\n", d, t, book
		}
	}'
}

# span_docs N SEED: SQuAD-style lines over the same words: a context of
# filler words with one animal and one tool at random places, a question
# asking for one of the two, and its answer (answer_start given on odd
# lines, found by the reader on even ones).
span_docs() {
	awk -v n="$1" -v seed="${2:-7}" 'BEGIN {
		split("cat dog horse sheep goat cow lion bear wolf fox", w0, " ")
		split("hammer saw drill wrench chisel file plane lathe vise clamp", w1, " ")
		split("the a and of with near under over then so", f, " ")
		x = seed
		for (d = 0; d < n; d++) {
			x = (x * 1103515245 + 12345) % 2147483648
			len = 8 + int(x / 65536) % 10
			x = (x * 1103515245 + 12345) % 2147483648
			pa = int(x / 65536) % len
			x = (x * 1103515245 + 12345) % 2147483648
			pt = (pa + 1 + int(x / 65536) % (len - 1)) % len
			x = (x * 1103515245 + 12345) % 2147483648
			an = w0[1 + int(x / 65536) % 10]
			x = (x * 1103515245 + 12345) % 2147483648
			tl = w1[1 + int(x / 65536) % 10]
			x = (x * 1103515245 + 12345) % 2147483648
			ask = int(x / 65536) % 2
			c = ""; start = -1
			for (i = 0; i < len; i++) {
				x = (x * 1103515245 + 12345) % 2147483648
				wd = i == pa ? an : i == pt ? tl : f[1 + int(x / 65536) % 10]
				if ((ask && i == pt) || (!ask && i == pa))
					start = length(c) + (i ? 1 : 0)
				c = c (i ? " " : "") wd
			}
			printf "{\"id\":\"q%d\",\"question\":\"which %s is here?\",\"context\":\"%s\",\"answer\":\"%s\"", d, ask ? "tool" : "animal", c, ask ? tl : an
			if (d % 2)
				printf ",\"answer_start\":%d", start
			printf "}\n"
		}
	}'
}
