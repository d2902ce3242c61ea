/*
 * dedup_sort.h - external sort of fixed-size records of 64-bit words.
 *
 * Records are added one by one; while they fit in the memory budget they
 * stay in one buffer, and past it each full buffer is sorted and written to
 * an unlinked temporary file (a run).  dsort_done() sorts what is left and
 * dsort_next() then yields every record in order, merging the runs with a
 * heap.  Records compare as their first keywords words, in order, as
 * unsigned numbers; equal keys keep no particular order, so callers put a
 * tie-breaker (a document number) in the key.  Memory stays within the
 * budget given (at least 1 MiB is used), whatever the number of records.
 */
#ifndef PTK_DEDUP_SORT_H
#define PTK_DEDUP_SORT_H

#include <stddef.h>
#include <stdint.h>

struct dsort;

/*
 * A sorter for records of words 64-bit words, ordered by the first keywords
 * (1 <= keywords <= words <= 8).  mem: bytes of buffer; tmpdir: where runs
 * go (NULL: $TMPDIR or /tmp).  Caller frees with dsort_free().
 */
struct dsort *dsort_new(size_t words, size_t keywords, size_t mem,
	    const char *tmpdir);
void	dsort_free(struct dsort *s);	/* NULL is a no-op */

/* Add a record.  Returns 0, or PTK_EIO (errno kept) when a run cannot be written. */
int	dsort_add(struct dsort *s, const uint64_t *rec);
/* No more records: prepare to read them back.  Returns 0 or PTK_EIO. */
int	dsort_done(struct dsort *s);
/*
 * Next record in order: 1 with *rec pointing at it (valid until the next
 * call), 0 at the end, or PTK_EIO.
 */
int	dsort_next(struct dsort *s, const uint64_t **rec);

uint64_t dsort_count(const struct dsort *s);	/* records added */
size_t	dsort_runs(const struct dsort *s);	/* runs spilled to disk */
const char *dsort_errmsg(const struct dsort *s);

#endif
