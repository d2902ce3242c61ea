/* cli.c - shared command-line conventions; see cli.h.  For cmd/ only. */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "xalloc.h"

const char *cli_prog = "ptk";
static const char *usage_line = "";
static const char *help_text = "";

const char *
ptk_strerror(int err)
{
	switch (err) {
	case PTK_OK: return "ok";
	case PTK_EIO: return "I/O error";
	case PTK_EFORMAT: return "bad input data";
	case PTK_ELIMIT: return "input over a limit";
	case PTK_EAPI: return "internal error";
	case PTK_ENOMEM: return "out of memory";
	}
	return "unknown error";
}

void
cli_init(char *argv[], const char *usage, const char *help)
{
	char *slash = strrchr(argv[0], '/');

	cli_prog = slash ? slash + 1 : argv[0];
	argv[0] = (char *)cli_prog;
	xalloc_prog = cli_prog;
	usage_line = usage;
	help_text = help;
}

void
cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s: try '%s --help'\n", cli_prog, cli_prog);
	exit(CLI_EXIT_USAGE);
}

void
cli_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
cli_warn(const struct cli_common *c, const char *fmt, ...)
{
	va_list ap;

	if (c && c->quiet)
		return;
	fprintf(stderr, "%s: warning: ", cli_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

long long
cli_num(const char *arg, const char *name, long long min, long long max)
{
	char *end;
	long long v, mult = 1;

	errno = 0;
	v = strtoll(arg, &end, 10);
	if (end == arg || errno == ERANGE)
		cli_usage_error("bad value '%s' for %s", arg, name);
	switch (*end) {
	case 'k': case 'K': mult = 1LL << 10; end++; break;
	case 'm': case 'M': mult = 1LL << 20; end++; break;
	case 'g': case 'G': mult = 1LL << 30; end++; break;
	case 't': case 'T': mult = 1LL << 40; end++; break;
	}
	if (*end != '\0')
		cli_usage_error("bad value '%s' for %s", arg, name);
	if (v != 0 && (v > LLONG_MAX / mult || v < LLONG_MIN / mult))
		cli_usage_error("value '%s' for %s is out of range", arg, name);
	v *= mult;
	if (v < min || v > max)
		cli_usage_error("%s must be between %lld and %lld, not '%s'",
		    name, min, max, arg);
	return v;
}

double
cli_real(const char *arg, const char *name, double min, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (end == arg || *end != '\0' || errno == ERANGE || isnan(v))
		cli_usage_error("bad value '%s' for %s", arg, name);
	if (v < min || v > max)
		cli_usage_error("%s must be between %g and %g, not '%s'",
		    name, min, max, arg);
	return v;
}

int
cli_common_opt(struct cli_common *c, int ch, const char *arg)
{
	switch (ch) {
	case 'h':
		printf("%s\n%s\n%s", usage_line, help_text, CLI_COMMON_HELP);
		exit(fflush(stdout) == 0 ? 0 : CLI_EXIT_IO);
	case 'V':
		printf("%s (ptk) %s\n", cli_prog, PTK_VERSION);
		exit(fflush(stdout) == 0 ? 0 : CLI_EXIT_IO);
	case 'o':
		c->output = arg;
		return 1;
	case 'j':
		c->jobs = (int)cli_num(arg, "--jobs", 1, 4096);
		return 1;
	case 'q':
		c->quiet = 1;
		return 1;
	case 'v':
		c->verbose = 1;
		return 1;
	case CLI_OPT_PROGRESS:
		c->progress = 1;
		return 1;
	case CLI_OPT_NO_PROGRESS:
		c->progress = 0;
		return 1;
	case CLI_OPT_NO_COMPRESS:
		c->compress = 0;
		return 1;
	case CLI_OPT_LEVEL:
		c->level = (int)cli_num(arg, "--level", 1, 19);
		return 1;
	case CLI_OPT_FORCE:
		c->force = 1;
		return 1;
	case CLI_OPT_MAX_RECORD:
		c->max_record = (size_t)cli_num(arg, "--max-record", 1, 1LL << 32);
		return 1;
	case CLI_OPT_REPAIR_UTF8:
		c->repair_utf8 = 1;
		return 1;
	case '?':
		fprintf(stderr, "%s: try '%s --help'\n", cli_prog, cli_prog);
		exit(CLI_EXIT_USAGE);
	}
	return 0;
}

int
cli_jobs(const struct cli_common *c)
{
	long n;

	if (c->jobs > 0)
		return c->jobs;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

int
cli_show_progress(const struct cli_common *c)
{
	if (c->progress >= 0)
		return c->progress;
	return !c->quiet && isatty(2);
}

struct zio_writer *
cli_open_output(const struct cli_common *c, int binary)
{
	struct zio_writer *w;
	int to_stdout = c->output == NULL || strcmp(c->output, "-") == 0;

	if (to_stdout && (binary || c->compress) && !c->force && isatty(1))
		cli_usage_error("refusing to write %s output to a terminal (use --force, -o FILE or --no-compress)",
		    c->compress ? "compressed" : "binary");
	if (zio_writer_open(&w, c->output, c->compress, c->level) != 0) {
		cli_error("cannot create '%s': %s", c->output, strerror(errno));
		exit(CLI_EXIT_IO);
	}
	/* zstd in its own threads: the same bytes for any -j, overlapped with our work. */
	if (zio_writer_threads(w, cli_jobs(c)) != 0) {
		cli_error("this libzstd cannot compress on threads");
		exit(CLI_EXIT_IO);
	}
	return w;
}

int
cli_exit_code(int err)
{
	switch (err) {
	case 0:
		return CLI_EXIT_OK;
	case PTK_EFORMAT:
	case PTK_ELIMIT:
		return CLI_EXIT_DATA;
	default:
		return CLI_EXIT_IO;
	}
}

int
cli_finish(int rc, struct zio_writer *out)
{
	int code = cli_exit_code(rc);

	if (out != NULL) {
		char *name = xstrdup(zio_writer_name(out));
		if (zio_writer_close(out, rc == 0) != 0 && rc == 0) {
			cli_error("cannot write '%s': %s", name, strerror(errno));
			code = CLI_EXIT_IO;
		}
		free(name);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error("write error on standard output: %s", strerror(errno));
		code = code ? code : CLI_EXIT_IO;
	}
	return code;
}

/* ---- progress ---- */

double
progress_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void
progress_init(struct progress *p, int on, uint64_t total, const char *unit)
{
	p->on = on;
	p->start = p->last = progress_now();
	p->total = total;
	p->unit = unit;
}

static void
human_bytes(char *out, size_t n, double b)
{
	static const char *const units[] = { "B", "KB", "MB", "GB", "TB" };
	int u = 0;

	while (b >= 1000 && u < 4)
		b /= 1000, u++;
	snprintf(out, n, u ? "%.1f %s" : "%.0f %s", b, units[u]);
}

static void
progress_print(struct progress *p, uint64_t bytes, uint64_t records, double now,
    int final)
{
	char done[32], rate[32], eta[32] = "";
	double secs = now - p->start > 1e-9 ? now - p->start : 1e-9;
	double bps = (double)bytes / secs;

	human_bytes(done, sizeof done, (double)bytes);
	human_bytes(rate, sizeof rate, bps);
	if (p->total && !final && bps > 0 && bytes <= p->total) {
		double left = (double)(p->total - bytes) / bps;
		snprintf(eta, sizeof eta, ", %d%%, ETA %d:%02d",
		    (int)(100.0 * (double)bytes / (double)p->total),
		    (int)left / 60, (int)left % 60);
	}
	fprintf(stderr, "\r%s: %s, %llu %s, %s/s%s%s", cli_prog, done,
	    (unsigned long long)records, p->unit, rate, eta,
	    final ? "\n" : "\033[K");
}

void
progress_update(struct progress *p, uint64_t bytes, uint64_t records)
{
	double now;

	if (!p->on)
		return;
	now = progress_now();
	if (now - p->last < 0.5)
		return;
	p->last = now;
	progress_print(p, bytes, records, now, 0);
}

void
progress_done(struct progress *p, uint64_t bytes, uint64_t records)
{
	if (p->on)
		progress_print(p, bytes, records, progress_now(), 1);
}
