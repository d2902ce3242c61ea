/*
 * cli.h - conventions every program shares (for cmd/ only; lib/ never prints).
 *
 * Options: -h/--help, -V/--version, -o/--output FILE, -j/--jobs N, -q/--quiet,
 * -v/--verbose, --progress/--no-progress, --no-compress, --level N, --force,
 * --max-record BYTES, --repair-utf8.  Exit codes: 0 ok, 1 bad input data,
 * 2 usage, 3 I/O or environment.  Messages: "PROG: FILE: record N at byte M:
 * what" for data errors, "PROG: what" otherwise.
 */
#ifndef PTK_CLI_H
#define PTK_CLI_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "zio.h"

enum cli_exit {
	CLI_EXIT_OK = 0,
	CLI_EXIT_DATA = 1,
	CLI_EXIT_USAGE = 2,
	CLI_EXIT_IO = 3,
};

/* Long-only option codes for the shared options (above any short letter). */
enum cli_opt {
	CLI_OPT_PROGRESS = 1000,
	CLI_OPT_NO_PROGRESS,
	CLI_OPT_NO_COMPRESS,
	CLI_OPT_LEVEL,
	CLI_OPT_FORCE,
	CLI_OPT_MAX_RECORD,
	CLI_OPT_REPAIR_UTF8,
	CLI_OPT_SEED,
	CLI_OPT_FIRST_PROGRAM_OPT = 1100,	/* programs number their own from here */
};

/* The shared options, for a program's struct option table. */
#define CLI_LONGOPTS \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }, \
	{ "output", required_argument, NULL, 'o' }, \
	{ "jobs", required_argument, NULL, 'j' }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "progress", no_argument, NULL, CLI_OPT_PROGRESS }, \
	{ "no-progress", no_argument, NULL, CLI_OPT_NO_PROGRESS }, \
	{ "no-compress", no_argument, NULL, CLI_OPT_NO_COMPRESS }, \
	{ "level", required_argument, NULL, CLI_OPT_LEVEL }, \
	{ "force", no_argument, NULL, CLI_OPT_FORCE }, \
	{ "max-record", required_argument, NULL, CLI_OPT_MAX_RECORD }, \
	{ "repair-utf8", no_argument, NULL, CLI_OPT_REPAIR_UTF8 }
/* Their letters, for the optstring. */
#define CLI_SHORTOPTS "hVo:j:qv"

/* Help text for the shared options, to end a program's --help. */
#define CLI_COMMON_HELP \
"Common options:\n" \
"  -o, --output FILE   write FILE (atomically: temp, fsync, rename), not stdout\n" \
"  -j, --jobs N        threads (default: all cores)\n" \
"  -q, --quiet         no warnings;  -v, --verbose: a summary line at the end\n" \
"      --progress      progress on stderr (default only when it is a terminal)\n" \
"      --no-progress   never show progress\n" \
"      --no-compress   write plain output instead of zstd\n" \
"      --level N       zstd level 1..19 (default 3)\n" \
"      --force         write binary output to a terminal\n" \
"      --max-record N  longest input record in bytes (default 256M; K/M/G)\n" \
"      --repair-utf8   replace invalid UTF-8 in doc records with U+FFFD\n" \
"                      (counted) instead of rejecting the record\n" \
"  -h, --help          this help;  -V, --version: the version\n" \
"\n" \
"Input files may be zstd-compressed or plain; none or '-' reads stdin.\n" \
"Exit status: 0 ok, 1 bad input data, 2 usage error, 3 I/O or environment.\n"

struct cli_common {
	const char *output;	/* NULL: stdout */
	int jobs;		/* 0: all cores */
	int quiet;
	int verbose;
	int progress;		/* -1 auto, 0 off, 1 on */
	int compress;
	int level;
	int force;
	size_t max_record;
	int repair_utf8;
};

#define CLI_COMMON_INIT { NULL, 0, 0, 0, -1, 1, ZIO_DEFAULT_LEVEL, 0, 0, 0 }

extern const char *cli_prog;	/* program name for messages */

/*
 * Set the program name (from argv[0]'s basename; argv[0] is replaced by it so
 * that getopt's own messages read "PROG: ...") and the help text:
 * usage_line ("usage: tokcat [options] [file ...]") and help (what follows
 * it on --help, before CLI_COMMON_HELP).
 */
void	cli_init(char *argv[], const char *usage_line, const char *help);

/*
 * Handle a shared option.  Returns 1 if ch was one (exiting for -h, -V or a
 * bad value), 0 if the program must handle it.
 */
int	cli_common_opt(struct cli_common *c, int ch, const char *arg);

/* Print "PROG: reason" and "PROG: try 'PROG --help'" to stderr; exit 2. */
void	cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2),
	    noreturn));

/*
 * Parse a whole number with an optional K/M/G/T suffix (powers of 1024) and
 * check min <= value <= max; a bad value is a usage error (exit 2).
 */
long long cli_num(const char *arg, const char *name, long long min, long long max);
/* A decimal fraction in [min, max]; a bad value exits 2. */
double	cli_real(const char *arg, const char *name, double min, double max);

/* "PROG: message" to stderr. */
void	cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* As cli_error but silent under -q. */
void	cli_warn(const struct cli_common *c, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Threads to use: c->jobs, or the number of online cores. */
int	cli_jobs(const struct cli_common *c);
/* Whether to show progress: the option, else whether stderr is a terminal. */
int	cli_show_progress(const struct cli_common *c);

/*
 * Open the output named by c (stdout when NULL or "-").  binary: refuse a
 * terminal unless --force (exit 2) when the output is compressed or binary.
 * Exits 3 with a message when the file cannot be created.
 */
struct zio_writer *cli_open_output(const struct cli_common *c, int binary);

/* Exit code for a negative enum ptk_err (0 for 0). */
int	cli_exit_code(int err);

/*
 * End the program: commit the output when rc == 0 (else discard it), flush
 * and check stdout, and return the exit code for rc.  Use as
 * "return cli_finish(rc, out);".
 */
int	cli_finish(int rc, struct zio_writer *out);

/* ---- progress (stderr) ---- */

struct progress {
	int on;
	double start;		/* seconds, monotonic */
	double last;		/* last print */
	uint64_t total;		/* bytes expected, 0 if unknown */
	const char *unit;	/* what records are called: "records", "docs" */
};

void	progress_init(struct progress *p, int on, uint64_t total, const char *unit);
/* Print at most twice a second: bytes done, records, rate and ETA. */
void	progress_update(struct progress *p, uint64_t bytes, uint64_t records);
/* Final line (when on), ending with a newline. */
void	progress_done(struct progress *p, uint64_t bytes, uint64_t records);
double	progress_now(void);

#endif
