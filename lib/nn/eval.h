/*
 * eval.h - zero- and few-shot evaluation of a causal language model without
 * gradient updates, as the GPT-2 and GPT-3 papers do it: multiple choice by
 * the log-likelihood of each choice after the context, and perplexity on a
 * text set.  "train eval" (docs/train.1.md) is the command line.
 */
#ifndef PTK_NN_EVAL_H
#define PTK_NN_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include "nn/gpt.h"

/* One continuation to score: log P(cont | ctx) under the model. */
struct nn_llreq {
	const int32_t *ctx;	/* nctx >= 1 tokens */
	int nctx;
	const int32_t *cont;	/* 1 <= ncont <= m->T tokens */
	int ncont;
};

/*
 * Sets ll[i] to the summed log-probability (natural log) of req[i].cont
 * after req[i].ctx, for n requests.  A context longer than the window is
 * cut from the left so that ctx + cont fits in m->T + 1 tokens.  Requests
 * go through the model m->B at a time, in order, shorter rows padded at
 * the end (the model is causal, so padding changes nothing before it);
 * log-softmax is taken in double.  Token ids must be in [0, V).  Returns
 * 0, or NN_EAPI for an empty context or continuation, or one longer than
 * the window.
 */
int	nn_loglik(struct gpt *m, const struct nn_llreq *req, int n, double *ll);

/*
 * Negative log-likelihood of the tokens tok[1..n) given those before them,
 * in windows of m->T + 1 tokens that overlap by one (each token is scored
 * once, with the context of its window).  Adds the sum to *nll and the
 * number of scored tokens (n - 1, or 0 for n < 2) to *count.
 */
int	nn_text_nll(struct gpt *m, const int32_t *tok, size_t n, double *nll,
	    uint64_t *count);

/* A task file: JSON Lines of multiple-choice examples or of texts. */
enum nn_task_kind { NN_TASK_CHOICE = 1, NN_TASK_TEXT = 2 };

struct nn_task_ex {
	char *context;		/* choice tasks: context; text tasks: text */
	size_t context_len;
	char **choices;		/* nchoices strings (choice tasks) */
	size_t *choice_len;
	int nchoices;
	int label;		/* index of the right choice */
	uint64_t offset;	/* byte offset of the record in its file */
};

struct nn_task {
	enum nn_task_kind kind;
	size_t n;
	struct nn_task_ex *ex;
};

#define NN_TASK_MAX_CHOICES 1024
#define NN_TASK_MAX_LINE (64u << 20)

/*
 * Reads a task file (plain or zstd): each line {"context": S, "choices":
 * [S, ...], "label": I} or {"text": S}; other keys are ignored; the first
 * record sets the kind and every record must be of it.  Returns 0,
 * PTK_EIO (errno kept) or PTK_EFORMAT / PTK_ELIMIT with
 * "FILE: record N at byte M: what" in err.
 */
int	nn_task_read(struct nn_task *t, const char *path, char *err,
	    size_t errlen);
/* Parses one record (line) into *ex, of kind *kind (0: any, then set). */
int	nn_task_parse(const char *line, size_t len, enum nn_task_kind *kind,
	    struct nn_task_ex *ex, const char **why);
void	nn_task_ex_release(struct nn_task_ex *ex);
void	nn_task_release(struct nn_task *t);

/*
 * The k shot indices for example i: k distinct examples of a pool of
 * npool, drawn from a generator seeded by (seed, i) alone, so that the
 * prompts do not depend on the order or the threads of the run; when the
 * pool is the task itself (self = i), i is never drawn.  Pass self = -1
 * for a separate training split.  Needs k <= npool - (self >= 0).
 */
void	nn_pick_shots(uint64_t seed, size_t i, size_t npool, long self,
	    int k, size_t *out);


#endif
