/*
 * wordpiece_order.c - train like wordpiece-train --text --score bpe, but
 * number the "##c" tokens in the order a HuggingFace run gave them (its hash
 * order), so that the whole vocabulary can be compared with that run's.
 * usage: wordpiece_order ORDER_FILE VOCAB_SIZE CORPUS  (tokens on stdout)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wp_train.h"

int
main(int argc, char *argv[])
{
	struct wp_input_opts in = { .norm = WP_NORM_UNCASED, .text = 1, .nthreads = 1 };
	struct wp_train_opts o = { 0 };
	struct wp_input_stats st;
	struct wp_counter *c;
	struct wp_result r;
	const char **order = NULL;
	char line[1024], err[512];
	size_t n = 0;
	uint32_t i;
	FILE *f;

	if (argc != 4 || (f = fopen(argv[1], "r")) == NULL) {
		fprintf(stderr, "usage: wordpiece_order ORDER_FILE VOCAB_SIZE CORPUS\n");
		return 2;
	}
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		order = realloc(order, (n + 1) * sizeof *order);
		order[n++] = strdup(line);
	}
	fclose(f);
	c = wp_counter_new();
	if (wp_count_files(c, &argv[3], 1, &in, &st, err, sizeof err) != 0) {
		fprintf(stderr, "wordpiece_order: %s\n", err);
		return 1;
	}
	o.vocab_size = (uint32_t)atol(argv[2]);
	o.cont_order = order;
	o.n_cont_order = n;
	if (wp_train(c, &o, &r) != 0)
		return 1;
	for (i = 0; i < r.n_tokens; i++)
		puts(r.tokens[i]);
	return 0;
}
