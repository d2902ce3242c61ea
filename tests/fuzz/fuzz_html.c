/*
 * fuzz_html.c - HTML to text (gumbo plus our walk), the depth guard, the
 * <meta charset> sniffer and charset conversion, on any bytes.
 */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "html.h"
#include "utf8.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct html_doc d;
	struct buf cs = BUF_INIT, u = BUF_INIT;
	long rep = 0;
	const char *p = (const char *)data;

	html_sniff_charset(p, size, 1, &cs);
	html_to_utf8(p, size, cs.len ? cs.p : "windows-1252", &u, &rep);
	if (utf8_valid_prefix((const unsigned char *)u.p, u.len) != u.len)
		__builtin_trap();
	html_extract(p, size, &d);
	if (utf8_valid_prefix((const unsigned char *)d.text.p, d.text.len) != d.text.len)
		__builtin_trap();
	if (html_extract(u.p ? u.p : "", u.len, &d) != 0)
		__builtin_trap();
	buf_release(&cs);
	buf_release(&u);
	return 0;
}
