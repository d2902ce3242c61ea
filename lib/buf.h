/*
 * buf.h - a growable byte buffer with a hard cap.
 *
 * struct buf owns p; release with buf_release().  p is kept NUL-terminated
 * (p[len] == 0) whenever cap > 0, so text can be passed to C string functions.
 * max is a cap on len (0: none): growth past it fails with PTK_ELIMIT rather
 * than eating memory on hostile input.
 */
#ifndef PTK_BUF_H
#define PTK_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"

struct buf {
	char *p;
	size_t len;	/* bytes in use */
	size_t cap;	/* bytes allocated, not counting the NUL */
	size_t max;	/* cap on len; 0 = unlimited */
};

#define BUF_INIT { NULL, 0, 0, 0 }

void	buf_release(struct buf *b);
/* Make room for extra more bytes: 0, or PTK_ELIMIT past b->max. */
int	buf_grow(struct buf *b, size_t extra);
int	buf_append(struct buf *b, const void *p, size_t n);
int	buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Hand p to the caller (caller frees with free(3)) and reinit b. */
char	*buf_detach(struct buf *b, size_t *len);

static inline void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->cap)
		b->p[0] = '\0';
}

/* Append one byte; room must have been made with buf_grow(). */
static inline void
buf_putc_unchecked(struct buf *b, char c)
{
	b->p[b->len++] = c;
}

static inline int
buf_putc(struct buf *b, char c)
{
	if (b->len + 1 > b->cap) {
		int rc = buf_grow(b, 1);
		if (rc)
			return rc;
	}
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
	return 0;
}

#endif
