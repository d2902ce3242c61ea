/*
 * t.h - a tiny unit-test harness.  Each tests/unit/t_<mod>.c is one program:
 * CHECK() records a failure with file and line and carries on; the program
 * ends with T_DONE(), which prints a one-line summary and returns nonzero if
 * any check failed, so the runner counts it as failed.
 */
#ifndef PTK_T_H
#define PTK_T_H

#include <stdio.h>
#include <string.h>

static int t_checks, t_failures;

#define CHECK(cond) do { \
	t_checks++; \
	if (!(cond)) { \
		t_failures++; \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
	} \
} while (0)

/* CHECKF: like CHECK, with a printf-style explanation on failure. */
#define CHECKF(cond, ...) do { \
	t_checks++; \
	if (!(cond)) { \
		t_failures++; \
		fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
	} \
} while (0)

#define CHECK_STREQ(a, b) CHECKF(strcmp((a), (b)) == 0, "'%s' != '%s'", (a), (b))

#define T_DONE() do { \
	fprintf(stderr, "%s: %d checks, %d failed\n", __FILE__, t_checks, t_failures); \
	return t_failures != 0 || t_checks == 0; \
} while (0)

#endif
