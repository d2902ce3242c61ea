/* fuzz_ft_line.c - the fine-tuning example reader's line parser (train
 * finetune, T5 --text) and SQuAD's scores on arbitrary input: no crash, a
 * parsed line is consistent, EM and F1 stay in range and agree. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nn/ftdata.c"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct buf tmp;
	struct line l;
	const char *why = NULL;
	char *a, *b, *mid;

	memset(&l, 0, sizeof(l));
	if (parse_line((const char *)data, (const char *)data + size, &tmp, &l,
	    &why) == 0) {
		if ((l.have_a && !l.a.p) || (l.have_b && !l.b.p))
			abort();
		if (l.ngolds && !l.golds)
			abort();
		if (l.have_b && char_to_byte(l.b.p, l.b.n, l.start) > l.b.n)
			abort();
	} else if (!why) {
		abort();
	}
	line_clear(&l);

	/* The input cut at its first NUL into a prediction and a gold. */
	a = malloc(size + 1);
	memcpy(a, data, size);
	a[size] = 0;
	mid = memchr(a, 0, size);
	b = mid ? mid + 1 : a + size;
	{
		int em = ft_exact_match(a, b);
		double f1 = ft_f1(a, b);
		if (em != 0 && em != 1)
			abort();
		if (!(f1 >= 0 && f1 <= 1))
			abort();
		if (em && f1 != 1)
			abort();
	}
	free(a);
	return 0;
}
