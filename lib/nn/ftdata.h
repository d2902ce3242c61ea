/*
 * ftdata.h - labelled examples for fine-tuning ("train finetune"), read
 * from JSON Lines and tokenized, plus SQuAD's answer scores.
 *
 * Classification lines: {"text": T, "label": K} or {"text_a": A,
 * "text_b": B, "label": K}, K in 0..999.
 * Span lines (SQuAD): {"question": Q, "context": C, "answer": A} with an
 * optional "answer_start" (C's character index where A begins; default its
 * first occurrence), or SQuAD's {"answers": {"text": [..],
 * "answer_start": [..]}}, whose first answer is the training target and all
 * of which count as right when scoring.  The context is tokenized in three
 * pieces (before, answer, after), so the answer's tokens are known exactly;
 * answers that start or end inside a word are tokenized as their own words.
 * Text-to-text lines (T5): {"input": S, "target": S}.
 * Other fields are ignored.
 */
#ifndef PTK_NN_FTDATA_H
#define PTK_NN_FTDATA_H

#include <stddef.h>
#include <stdint.h>

#include "tokenizer.h"
#include "nn/gpt.h"

/* FT_TEXT: text-to-text lines {"input": S, "target": S} (T5); in
 * FT_TEXT_INPUTS, lines to decode, the target may be missing (has_b 0). */
enum ft_task { FT_CLS, FT_SPAN, FT_TEXT, FT_TEXT_INPUTS };

struct ft_example {
	uint32_t *a, *b;	/* text / text_a / question / input;
				 * text_b / context / target */
	size_t na, nb;
	int has_b;
	int label;		/* classification */
	size_t ans_first, ans_last;	/* span: answer tokens of b */
	char **gold;		/* span: the answer texts */
	int ngold;
};

struct ft_set {
	struct ft_example *e;
	size_t n, cap;
	int K;		/* classification: 1 + the largest label */
};

/*
 * Read path (JSON Lines, plain or zstd) for task, tokenizing with tk.
 * Returns 0; NN_EFORMAT with err = "PATH: line N at byte M: what" for a bad
 * line, an answer not in its context, or no examples; NN_EIO (err says
 * why) when the file cannot be read; NN_ENOMEM.  On failure set is empty.
 */
int	ft_load(const char *path, enum ft_task task, struct tokenizer *tk,
	    struct ft_set *set, char *err, size_t errlen);
void	ft_set_release(struct ft_set *set);

/* SQuAD v1.1's scores of a predicted answer against one gold answer, after
 * its normalisation (lower case, no punctuation, no articles a/an/the,
 * single spaces): exact match (0 or 1) and token F1. */
int	ft_exact_match(const char *pred, const char *gold);
double	ft_f1(const char *pred, const char *gold);

/*
 * Softmax cross-entropy of scores x (n) against class gold: returns the
 * loss; with dx, writes scale * d(loss)/dx (softmax - onehot) there.  The
 * classification heads use it over classes, the span head over the
 * context positions, once for the start and once for the end.
 */
double	ft_softmax_ce(const float *x, int n, int gold, double scale,
	    float *dx);

/*
 * A fine-tuning head's own parameters: W (K, H) + b, their gradients and
 * AdamW moments (b1 0.9, b2 0.999, eps 1e-8; weight decay 0.01 on W).
 */
struct ft_head {
	int K, H;
	float *w, *b, *gw, *gb, *mw, *vw, *mb, *vb;
	uint64_t t;		/* AdamW steps taken */
};

/* W from N(0, 0.02) drawn from r, b zero.  Exits on out of memory. */
void	ft_head_init(struct ft_head *h, int K, int H, struct nn_rng *r);
/* out (K) = W x + b for a hidden state x (H). */
void	ft_head_scores(const struct ft_head *h, const float *x, float *out);
/* Backward of ft_head_scores with dout (K): into the head's gradients and,
 * added, dx (H). */
void	ft_head_backward(struct ft_head *h, const float *x,
	    const float *dout, float *dx);
/* One AdamW step at lr; zeroes the gradients. */
void	ft_head_step(struct ft_head *h, float lr);
void	ft_head_release(struct ft_head *h);

/* The fine-tuning schedule: linear warm-up over warmup steps, then linear
 * decay to 0 at total (step from 0). */
float	ft_lr(double lr, long long step, long long total,
	    long long warmup);

#endif
