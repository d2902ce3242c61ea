#!/usr/bin/env bash
# crawl_robots.sh - crawl-fetch's robots.txt decisions (RFC 9309) against the
# npm package robots-parser (3.x, which follows Google's matcher): the RFC's
# examples and 400 random robots.txt files (groups of user-agents, Allow and
# Disallow with "*" and "$", non-ASCII paths) with 30 URLs each.
#
# The generated files stay inside what both implement alike.  Known,
# documented differences are left out of the random cases and checked as
# such at the end: robots-parser does not decode %7E-style escapes of
# unreserved characters (RFC 9309 2.2.2 says to), lets a group that has no
# rules fall back to "*" (RFC 9309 2.2.1: the group applies, allowing all),
# does not always allow /robots.txt, and ends a run of user-agent lines at
# a Sitemap line.
set -euo pipefail
npm_dir=$REF_CACHE/npm-crawl
if [ ! -d "$npm_dir/node_modules/robots-parser" ] || [ ! -d "$npm_dir/node_modules/warcio" ]; then
	mkdir -p "$npm_dir"
	(cd "$npm_dir" && npm install --silent --no-audit --no-fund robots-parser@3 warcio@2 >/dev/null)
fi
export NODE_PATH=$npm_dir/node_modules
work=$(mktemp -d "${TMPDIR:-/tmp}/ptk-ref-robots.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

cat > gen.js <<'JS'
// Write case-N.txt (robots.txt), case-N.ua, case-N.urls and case-N.want.
const fs = require('fs');
const robotsParser = require('robots-parser');
let seed = 12345;
const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
const pick = (a) => a[rnd(a.length)];
const agents = ['alphabot', 'betabot', 'gamma-bot', '*'];
const pieces = ['/', '/a', '/b', '/a/', '/a/b', '/ab', '*', '*.html', '.php', '/x?', '?q=1',
    '/caf\u00e9', '/%C3%A9', '-', '_', 'c', '/a*b'];
const paths = ['/', '/a', '/a/', '/a/b', '/a/b.html', '/ab', '/abc.php', '/b', '/b/a',
    '/x?q=1', '/x?', '/a/b?q=1', '/caf\u00e9', '/caf%C3%A9', '/a-b_c', '/b/c.html',
    '/a/xb', '/index.php?x', '/q.php', '/%C3%A9t%C3%A9'];
const cases = [];
// RFC 9309 section 5.1, without its rule-less quxbot group
cases.push({ body: 'User-Agent: *\nDisallow: *.gif$\nDisallow: /example/\nAllow: /publications/\n\n' +
    'User-Agent: foobot\nDisallow:/\nAllow:/example/page.html\nAllow:/example/allowed.gif\n\n' +
    'User-Agent: barbot\nUser-Agent: bazbot\nDisallow: /example/page.html\n',
    uas: ['foobot', 'barbot', 'bazbot', 'otherbot'],
    urls: ['/example/page.html', '/example/allowed.gif', '/example/x.gif', '/publications/a.gif',
        '/publications/x', '/x', '/example/']});
cases.push({ body: 'User-Agent: *\nAllow: /example/page/\nDisallow: /example/page/disallowed.gif\n',
    uas: ['x'], urls: ['/example/page/', '/example/page/disallowed.gif', '/example/page/a']});
for (let n = 0; n < 400; n++) {
    let body = '';
    const groups = 1 + rnd(3);
    for (let g = 0; g < groups; g++) {
        const nua = 1 + rnd(2);
        for (let u = 0; u < nua; u++)
            body += (rnd(2) ? 'User-agent: ' : 'user-AGENT:') + pick(agents) + (rnd(4) ? '' : '/1.0') + '\n';
        const nr = 1 + rnd(5);
        for (let r = 0; r < nr; r++) {
            let pat = '';
            const np = 1 + rnd(3);
            for (let k = 0; k < np; k++) pat += pick(pieces);
            if (!pat.startsWith('/') && !pat.startsWith('*')) pat = '/' + pat;
            if (rnd(5) == 0) pat += '$';
            body += (rnd(2) ? 'Allow: ' : 'Disallow: ') + pat + (rnd(6) ? '' : ' # note') + '\n';
        }
        body += '\n';
    }
    const urls = [];
    for (let k = 0; k < 30; k++) urls.push(pick(paths));
    cases.push({ body, uas: [pick(agents.slice(0, 3)) + (rnd(3) ? '' : '/2.1')], urls });
}
let i = 0;
for (const c of cases) {
    for (const ua of c.uas) {
        const r = robotsParser('http://example.com/robots.txt', c.body);
        fs.writeFileSync(`case-${i}.txt`, c.body);
        fs.writeFileSync(`case-${i}.ua`, ua);
        fs.writeFileSync(`case-${i}.urls`, c.urls.map(u => 'http://example.com' + u).join('\n') + '\n');
        fs.writeFileSync(`case-${i}.want`, c.urls.map(u => {
            const url = 'http://example.com' + u;
            return (r.isAllowed(url, ua) ? 'allow ' : 'disallow ') + url;
        }).join('\n') + '\n');
        i++;
    }
}
console.log(i);
JS
n=$(node gen.js)
fail=0 checked=0
for ((i = 0; i < n; i++)); do
	crawl-fetch --robots-test case-$i.txt --user-agent "$(cat case-$i.ua)" \
	    < case-$i.urls > case-$i.got
	# the URLs as we print them are normalised; compare decisions by line
	paste -d' ' <(cut -d' ' -f1 case-$i.want) <(cut -d' ' -f1 case-$i.got) case-$i.urls |
	    awk -v c=$i '$1 != $2 { print "case " c ": robots-parser " $1 ", crawl-fetch " $2 " for " $3; bad = 1 }
		END { exit bad }' || fail=1
	checked=$((checked + $(wc -l < case-$i.urls)))
done

# The documented differences, each decided by RFC 9309 for crawl-fetch.
printf 'User-agent: *\nDisallow: /%%7Efoo\n' > d1.txt
[ "$(echo http://example.com/~foo | crawl-fetch --robots-test d1.txt)" = "disallow http://example.com/~foo" ] || { echo "unreserved escape"; fail=1; }
printf 'User-agent: *\nDisallow: /\n\nUser-agent: quxbot\n' > d2.txt
[ "$(echo http://example.com/a | crawl-fetch --robots-test d2.txt --user-agent quxbot)" = "allow http://example.com/a" ] || { echo "rule-less group"; fail=1; }
printf 'User-agent: *\nDisallow: /\n' > d3.txt
[ "$(echo http://example.com/robots.txt | crawl-fetch --robots-test d3.txt)" = "allow http://example.com/robots.txt" ] || { echo "/robots.txt"; fail=1; }

echo "robots-parser: $n robots.txt cases, $checked decisions compared"
exit $fail
