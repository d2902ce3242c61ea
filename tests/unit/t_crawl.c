/* t_crawl.c - URL normalisation, HTTP helpers, HTML to text, charsets,
 * and the crawl state database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "db.h"
#include "html.h"
#include "http.h"
#include "t.h"

static const struct {
	const char *base, *ref, *want;	/* want NULL: rejected */
} urls[] = {
	{ NULL, "HTTP://Example.COM:80/a/./b/../c#frag", "http://example.com/a/c" },
	{ NULL, "https://example.com:443", "https://example.com/" },
	{ NULL, "https://example.com:8443/x", "https://example.com:8443/x" },
	{ NULL, "http://example.com./%7euser/%2f%41?q=%7e%3d", "http://example.com/~user/%2FA?q=~%3D" },
	{ NULL, "  http://example.com/a b\n", "http://example.com/a%20b" },
	{ NULL, "http://example.com/caf\xC3\xA9", "http://example.com/caf%C3%A9" },
	{ NULL, "ftp://example.com/", NULL },
	{ NULL, "mailto:a@example.com", NULL },
	{ NULL, "javascript:alert(1)", NULL },
	{ NULL, "relative/path", NULL },
	{ NULL, "", NULL },
	{ "http://example.com/a/b/c.html", "../d.html", "http://example.com/a/d.html" },
	{ "http://example.com/a/b/c.html", "/x?y#z", "http://example.com/x?y" },
	{ "http://example.com/a/b/c.html", "//other.org/p", "http://other.org/p" },
	{ "http://example.com/a/b/c.html", "?q=1", "http://example.com/a/b/c.html?q=1" },
	{ "http://example.com/a/b/c.html", "#top", "http://example.com/a/b/c.html" },
	{ "http://example.com/a/", "../../../../x", "http://example.com/x" },
	{ "http://[::1]:8080/a", "b", "http://[::1]:8080/b" },
	{ "file:///srv/site/index.html", "page.html", "file:///srv/site/page.html" },
};

int
main(void)
{
	struct buf b = BUF_INIT, m = BUF_INIT, cs = BUF_INIT;
	struct html_doc d;
	size_t i;
	long rep = 0;
	const char *v;
	size_t vl;

	for (i = 0; i < sizeof urls / sizeof urls[0]; i++) {
		int rc = http_url_resolve(urls[i].base, urls[i].ref, strlen(urls[i].ref), &b);
		if (urls[i].want == NULL)
			CHECKF(rc != 0, "case %zu accepted '%s'", i, rc ? "" : b.p);
		else
			CHECKF(rc == 0 && strcmp(b.p, urls[i].want) == 0, "case %zu: '%s'",
			    i, rc ? "(rejected)" : b.p);
	}
	CHECK(http_url_origin("http://example.com:8080/a?b", &b) == 0);
	CHECK_STREQ(b.p, "http://example.com:8080");
	CHECK(http_url_origin("https://example.com/a", &b) == 0);
	CHECK_STREQ(b.p, "https://example.com");
	CHECK(http_url_path("http://example.com/a/b?c=d", &b) == 0);
	CHECK_STREQ(b.p, "/a/b?c=d");
	CHECK(http_url_host("http://www.example.co.uk/", &b) == 0);
	CHECK_STREQ(b.p, "www.example.co.uk");
	http_registrable_domain("www.example.co.uk", &b);
	CHECK_STREQ(b.p, "example.co.uk");
	http_registrable_domain("a.b.example.com", &b);
	CHECK_STREQ(b.p, "example.com");
	http_registrable_domain("127.0.0.1", &b);
	CHECK_STREQ(b.p, "127.0.0.1");

	/* headers */
	{
		const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: text/HTML ; "
		    "Charset=\"ISO-8859-1\"\r\nX: 1\r\ncontent-type: text/plain\r\n\r\n";
		CHECK(http_header_find(head, sizeof head - 1, "Content-Type", &v, &vl));
		CHECK(vl == 10 && memcmp(v, "text/plain", 10) == 0);	/* the last */
		CHECK(!http_header_find(head, sizeof head - 1, "Location", &v, &vl));
		http_content_type("text/HTML ; Charset=\"ISO-8859-1\"", 32, &m, &cs);
		CHECK_STREQ(m.p, "text/html");
		CHECK_STREQ(cs.p, "iso-8859-1");
	}
	CHECK(http_retry_after("120", 3, 0) == 120);
	CHECK(http_retry_after("Thu, 01 Jan 1970 00:01:40 GMT", 29, 40) == 60);
	CHECK(http_retry_after("soon", 4, 0) < 0);

	/* HTML to text */
	html_doc_init(&d);
	{
		const char *h = "<html><head><title> A  title </title><base href=\"/base/\">"
		    "<meta name=robots content=\"index, NoFollow\"><script>x()</script></head>"
		    "<body><header>head</header><nav><a href=\"n.html\">nav</a></nav>"
		    "<h1>Heading</h1><p>One <b>two</b>\n three.<br>Four</p>"
		    "<div hidden>hidden</div><form><label>f</label></form>"
		    "<ul><li>x<li>y</ul><p>caf\xC3\xA9 &amp; &eacute;</p>"
		    "<a rel=\"nofollow\" href=\"nf.html\">nf</a><a href=\"l.html\">l</a>"
		    "<footer>foot</footer></body></html>";
		CHECK(html_extract(h, strlen(h), &d) == 0);
		CHECK_STREQ(d.title.p, "A title");
		CHECK_STREQ(d.text.p, "Heading\n\nOne two three.\nFour\n\nx\n\ny\n\n"
		    "caf\xC3\xA9 & \xC3\xA9\n\nnfl");
		CHECK_STREQ(d.base.p, "/base/");
		CHECK(d.nofollow == 1);
		CHECK(d.nlinks == 2);
		CHECK_STREQ(d.links.p, "n.html");
		CHECK_STREQ(d.links.p + 7, "l.html");
	}
	/* broken markup and invalid UTF-8 */
	CHECK(html_extract("<p>a<p>b</i></td>\xFF<table><td>c", 30, &d) == 0);
	CHECK_STREQ(d.text.p, "a\n\nb\xEF\xBF\xBD\n\nc");
	CHECK(html_extract("", 0, &d) == 0);
	CHECK(d.text.len == 0 && d.title.len == 0);
	/* deep nesting does not exhaust the stack */
	{
		size_t n = 2000000, k;
		char *deep = malloc(n * 5 + 10);
		for (k = 0; k < n; k++)
			memcpy(deep + 5 * k, "<div>", 5);
		memcpy(deep + 5 * n, "deep", 4);
		CHECK(html_extract(deep, n * 5 + 4, &d) == 0);
		CHECK(d.cut == 1 && d.text.len == 0);
		CHECK(html_extract(deep + 5 * (n - 100), 504, &d) == 0);
		CHECK(d.cut == 0);
		CHECK_STREQ(d.text.p, "deep");
		free(deep);
		/* unclosed paragraphs and list items do not count as depth */
		deep = malloc(n * 4 + 10);
		for (k = 0; k < n; k++)
			memcpy(deep + 4 * k, k % 2 ? "<p>x" : "<li>", 4);
		CHECK(html_depth_prefix(deep, n * 4) == n * 4);
		free(deep);
	}
	html_doc_release(&d);

	/* charsets */
	{
		const char *m1 = "<html><head><META http-equiv=\"Content-Type\" "
		    "content=\"text/html; charset=KOI8-R\">";
		html_sniff_charset(m1, strlen(m1), 1, &b);
	}
	CHECK_STREQ(b.p, "koi8-r");
	html_sniff_charset("<meta charset='iso-8859-2'>", 27, 1, &b);
	CHECK_STREQ(b.p, "iso-8859-2");
	html_sniff_charset("\xEF\xBB\xBFx", 4, 0, &b);
	CHECK_STREQ(b.p, "utf-8");
	html_sniff_charset("<p>no meta</p>", 14, 1, &b);
	CHECK(b.len == 0);
	CHECK_STREQ(html_charset_name("Latin1"), "WINDOWS-1252");
	CHECK(html_charset_name("x-klingon") == NULL);
	buf_reset(&b);
	CHECK(html_to_utf8("caf\xE9 \x93q\x94", 8, "iso-8859-1", &b, &rep) == 0);
	CHECK_STREQ(b.p, "caf\xC3\xA9 \xE2\x80\x9Cq\xE2\x80\x9D");
	buf_reset(&b);
	CHECK(html_to_utf8("\xFF\xFE" "a\0b\0", 6, "utf-16le", &b, &rep) == 0);
	CHECK_STREQ(b.p, "ab");
	buf_reset(&b);
	rep = 0;
	CHECK(html_to_utf8("a\xFF" "b", 3, "utf-8", &b, &rep) == 0);
	CHECK(rep == 1 && strcmp(b.p, "a\xEF\xBF\xBD" "b") == 0);

	/* the state database */
	{
		char path[] = "/tmp/t_crawl_db.XXXXXX", err[256], wal[64];
		int fd = mkstemp(path);
		struct db *db, *db2;
		struct db_url u[4];
		int64_t n[4];
		double at;
		int st, tries;

		close(fd);
		unlink(path);
		CHECK(db_open(&db, path, err, sizeof err) == 0);
		CHECK(db_open(&db2, path, err, sizeof err) != 0);	/* locked */
		CHECK(strstr(err, "in use") != NULL);
		CHECK(db_begin(db) == 0);
		CHECK(db_add(db, "http://a/1", "http://a", 0, 0, NULL) == 1);
		CHECK(db_add(db, "http://a/1", "http://a", 0, 0, NULL) == 0);
		CHECK(db_add(db, "http://a/2", "http://a", 1, 0, NULL) == 1);
		CHECK(db_add(db, "http://b/3", "http://b", 1, 2, "http://a/0") == 1);
		CHECK(db_next(db, 0, 1e12, 4, u) == 3);
		CHECK_STREQ(u[2].via, "http://a/0");
		CHECK(u[2].redirects == 2 && u[1].depth == 1);
		CHECK(db_set(db, u[0].id, DB_IN_FLIGHT, 0, 0, 0, NULL, 1) == 0);
		CHECK(db_set(db, u[1].id, DB_QUEUED, 1, 500, 503, "http 503", 1) == 0);
		CHECK(db_set(db, u[2].id, DB_DONE, 0, 0, 200, NULL, 1) == 0);
		for (i = 0; i < 3; i++)
			db_url_release(&u[i]);
		CHECK(db_next(db, 0, 100, 4, u) == 0);		/* retry not due */
		CHECK(db_next_due(db) == 500);
		CHECK(db_robots_put(db, "http://a", 10, 0, 0, "User-agent: *", 13) == 0);
		CHECK(db_meta_set(db, "out_size", 42) == 0);
		CHECK(db_commit(db) == 0);
		db_close(db);
		/* reopen: the in-flight URL is queued again */
		CHECK(db_open(&db, path, err, sizeof err) == 0);
		CHECK(db_counts(db, n) == 0);
		CHECK(n[DB_QUEUED] == 2 && n[DB_IN_FLIGHT] == 0 && n[DB_DONE] == 1);
		buf_reset(&b);
		CHECK(db_robots_get(db, "http://a", &at, &st, &tries, &b) == 1);
		CHECK(at == 10 && st == 0 && b.len == 13);
		CHECK(db_robots_get(db, "http://zz", &at, &st, &tries, &b) == 0);
		CHECK(db_meta_get(db, "out_size", -1) == 42);
		CHECK(db_meta_get(db, "nothing", -1) == -1);
		db_close(db);
		unlink(path);
		snprintf(wal, sizeof wal, "%s-wal", path);
		unlink(wal);
	}
	buf_release(&b);
	buf_release(&m);
	buf_release(&cs);
	T_DONE();
}
