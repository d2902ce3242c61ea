/* t_robots.c - robots.txt parsing and matching (RFC 9309). */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "robots.h"
#include "t.h"

static int
allowed(const char *body, const char *token, const char *path)
{
	struct robots r;
	int a;

	robots_parse(&r, body, strlen(body), token);
	a = robots_allowed(&r, path, strlen(path));
	robots_release(&r);
	return a;
}

static const char rfc_2_2_2[] =
"User-Agent: *\n"
"Disallow: *.gif$\n"
"Disallow: /example/\n"
"Allow: /publications/\n"
"\n"
"User-Agent: foobot\n"
"Disallow:/\n"
"Allow:/example/page.html\n"
"Allow:/example/allowed.gif\n"
"\n"
"User-Agent: barbot\n"
"User-Agent: bazbot\n"
"Disallow: /example/page.html\n"
"\n"
"User-Agent: quxbot\n"
"\n";

static const struct {
	const char *body, *token, *path;
	int want;
} cases[] = {
	/* RFC 9309 section 5.1 */
	{ rfc_2_2_2, "foobot", "/example/page.html", 1 },
	{ rfc_2_2_2, "foobot", "/example/allowed.gif", 1 },
	{ rfc_2_2_2, "foobot", "/x", 0 },
	{ rfc_2_2_2, "barbot", "/example/page.html", 0 },
	{ rfc_2_2_2, "bazbot", "/example/page.html", 0 },
	{ rfc_2_2_2, "bazbot", "/x", 1 },
	{ rfc_2_2_2, "quxbot", "/example/page.html", 1 },	/* empty group */
	{ rfc_2_2_2, "other", "/example/x", 0 },
	{ rfc_2_2_2, "other", "/a/b.gif", 0 },
	{ rfc_2_2_2, "other", "/a/b.gif?x", 1 },
	{ rfc_2_2_2, "other", "/publications/x", 1 },
	{ rfc_2_2_2, "other", "/robots.txt", 1 },
	/* section 5.2: longest match */
	{ "User-Agent: *\nAllow: /example/page/\nDisallow: /example/page/disallowed.gif\n",
	  "x", "/example/page/disallowed.gif", 0 },
	{ "User-Agent: *\nAllow: /example/page/\nDisallow: /example/page/disallowed.gif\n",
	  "x", "/example/page/ok.gif", 1 },
	/* equal length: allow wins */
	{ "User-agent: *\nDisallow: /folder\nAllow: /folder\n", "x", "/folder/a", 1 },
	{ "User-agent: *\nAllow: /page\nDisallow: /*.htm\n", "x", "/page.htm", 0 },
	/* case-insensitive keys and agent, comments, CRLF, BOM */
	{ "\xEF\xBB\xBFuser-AGENT: FooBot # c\r\ndisALLOW: /a # c\r\n", "foobot", "/a", 0 },
	{ "User-agent: foobot/1.2\nDisallow: /a\n", "FOOBOT", "/a", 0 },
	/* rules before any user-agent are ignored */
	{ "Disallow: /\nUser-agent: x\nDisallow: /b\n", "y", "/a", 1 },
	/* groups for one agent merge */
	{ "User-agent: a\nDisallow: /x\n\nUser-agent: b\nDisallow: /\n\nUser-agent: a\nDisallow: /y\n",
	  "a", "/y", 0 },
	{ "User-agent: a\nDisallow: /x\n\nUser-agent: b\nDisallow: /\n\nUser-agent: a\nDisallow: /y\n",
	  "a", "/z", 1 },
	/* sitemap does not end a group */
	{ "User-agent: a\nSitemap: http://x/s.xml\nUser-agent: b\nDisallow: /\n", "a", "/q", 0 },
	/* percent-encoding */
	{ "User-agent: *\nDisallow: /%7Efoo\n", "x", "/~foo", 0 },
	{ "User-agent: *\nDisallow: /~bar\n", "x", "/%7ebar", 0 },
	{ "User-agent: *\nDisallow: /\xE3\x83\x84\n", "x", "/%E3%83%84", 0 },
	{ "User-agent: *\nDisallow: /%e3%83%84\n", "x", "/\xE3\x83\x84", 0 },
	{ "User-agent: *\nDisallow: /a%2Fb\n", "x", "/a/b", 1 },
	/* wildcards */
	{ "User-agent: *\nDisallow: /*/x/*.php$\n", "x", "/a/x/b/c.php", 0 },
	{ "User-agent: *\nDisallow: /*/x/*.php$\n", "x", "/a/x/b/c.phps", 1 },
	{ "User-agent: *\nDisallow: /a**b\n", "x", "/aXXb", 0 },
	{ "User-agent: *\nDisallow: /$\n", "x", "/", 0 },
	{ "User-agent: *\nDisallow: /$\n", "x", "/a", 1 },
	{ "User-agent: *\nDisallow: /a$b\n", "x", "/a$b", 0 },
	/* empty Disallow allows everything */
	{ "User-agent: *\nDisallow:\n", "x", "/a", 1 },
	/* no matching group and no "*": allow */
	{ "User-agent: a\nDisallow: /\n", "b", "/x", 1 },
	{ "", "b", "/x", 1 },
	{ "garbage\n\x01\x02:::\nUser-agent *\n", "b", "/x", 1 },
};

int
main(void)
{
	struct robots r;
	struct buf b = BUF_INIT;
	char tok[ROBOTS_MAX_TOKEN + 1];
	size_t i;
	char *big;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECKF(allowed(cases[i].body, cases[i].token, cases[i].path) ==
		    cases[i].want, "case %zu: %s %s", i, cases[i].token, cases[i].path);

	CHECK(robots_product_token("ptk-crawl/0.1 (+x)", tok) == 9);
	CHECK_STREQ(tok, "ptk-crawl");
	CHECK(robots_product_token("/x", tok) == 0);

	{ const char *cd = "User-agent: *\nCrawl-delay: 2.5\nDisallow: /a\n"; robots_parse(&r, cd, strlen(cd), "x"); }
	CHECK(r.crawl_delay == 2.5);
	CHECK(r.matched_group == 0);
	robots_release(&r);

	/* status without rules */
	robots_init(&r, ROBOTS_DISALLOW_ALL);
	CHECK(robots_allowed(&r, "/a", 2) == 0);
	CHECK(robots_allowed(&r, "/robots.txt", 11) == 1);
	robots_release(&r);
	robots_init(&r, ROBOTS_ALLOW_ALL);
	CHECK(robots_allowed(&r, "/a", 2) == 1);
	robots_release(&r);

	CHECK(robots_normalise(&b, "/a%7e%2f%zz\x80 ", 13) == 0);
	CHECK_STREQ(b.p, "/a~%2F%zz%80%20");
	buf_release(&b);

	/* only the first ROBOTS_MAX_BYTES are parsed: a rule after is lost */
	big = malloc(ROBOTS_MAX_BYTES + 100);
	memset(big, '#', ROBOTS_MAX_BYTES + 100);
	memcpy(big, "User-agent: *\nDisallow: /a\n", 27);
	memcpy(big + ROBOTS_MAX_BYTES + 10, "\nDisallow: /b\n", 14);
	big[ROBOTS_MAX_BYTES - 1] = '\n';
	robots_parse(&r, big, ROBOTS_MAX_BYTES + 100, "x");
	CHECK(robots_allowed(&r, "/a", 2) == 0);
	CHECK(robots_allowed(&r, "/b", 2) == 1);
	robots_release(&r);
	/* a rule just inside 500 KiB is read */
	memset(big, '#', ROBOTS_MAX_BYTES + 100);
	memcpy(big, "User-agent: *\n", 14);
	big[14] = '\n';
	memcpy(big + (500 << 10), "\nDisallow: /c\n", 14);
	robots_parse(&r, big, ROBOTS_MAX_BYTES, "x");
	CHECK(robots_allowed(&r, "/c", 2) == 0);
	robots_release(&r);
	free(big);

	/* a long path with many wildcards stays correct */
	{
		char path[2000];
		memset(path, 'a', sizeof path - 1);
		path[0] = '/';
		path[sizeof path - 2] = 'b';
		path[sizeof path - 1] = '\0';
		CHECK(robots_match("/*a*a*a*b", 9, 1, path, strlen(path)) == 1);
		CHECK(robots_match("/*a*a*a*c", 9, 0, path, strlen(path)) == 0);
	}
	T_DONE();
}
