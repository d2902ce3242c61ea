/* xalloc.c - allocation that exits 3 on failure; see xalloc.h. */
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *xalloc_prog = "ptk";

static long fail_after = -2;	/* -2: not read yet, -1: never fail */

static void
check_fault_hook(size_t n)
{
	if (fail_after == -2) {
		const char *s = getenv("PTK_FAIL_ALLOC_AFTER");
		fail_after = s ? strtol(s, NULL, 10) : -1;
	}
	if (fail_after < 0)
		return;
	if (fail_after-- == 0) {
		fprintf(stderr, "%s: out of memory (%zu bytes)\n", xalloc_prog, n);
		exit(3);
	}
}

static void *
oom(size_t n)
{
	fprintf(stderr, "%s: out of memory (%zu bytes)\n", xalloc_prog, n);
	exit(3);
}

void *
xmalloc(size_t n)
{
	void *p;

	check_fault_hook(n);
	if ((p = malloc(n ? n : 1)) == NULL)
		return oom(n);
	return p;
}

void *
xcalloc(size_t count, size_t size)
{
	void *p;

	check_fault_hook(count * size);
	if ((p = calloc(count ? count : 1, size ? size : 1)) == NULL)
		return oom(count * size);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	check_fault_hook(n);
	if ((p = realloc(p, n ? n : 1)) == NULL)
		return oom(n);
	return p;
}

void *
xreallocarray(void *p, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		return oom(SIZE_MAX);
	return xrealloc(p, count * size);
}

char *
xstrdup(const char *s)
{
	return xmemdup(s, strlen(s));
}

char *
xmemdup(const void *p, size_t n)
{
	char *q = xmalloc(n + 1);

	memcpy(q, p, n);
	q[n] = '\0';
	return q;
}
