/*
 * xalloc.h - allocation that cannot fail.
 *
 * On failure these print "PROG: out of memory (N bytes)" and exit 3, as the
 * exit-code table says for an environment failure.  PROG is xalloc_prog,
 * which cli_init() sets.  Setting PTK_FAIL_ALLOC_AFTER=N in the environment
 * makes the N+1st allocation fail, so tests can reach the out-of-memory path.
 */
#ifndef PTK_XALLOC_H
#define PTK_XALLOC_H

#include <stddef.h>

extern const char *xalloc_prog;

void	*xmalloc(size_t n);
void	*xcalloc(size_t count, size_t size);
void	*xrealloc(void *p, size_t n);
/* Array growth with overflow check: xreallocarray(p, count, size). */
void	*xreallocarray(void *p, size_t count, size_t size);
char	*xstrdup(const char *s);
char	*xmemdup(const void *p, size_t n);	/* adds a terminating NUL */

#endif
