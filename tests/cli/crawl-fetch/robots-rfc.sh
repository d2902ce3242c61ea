# RFC 9309 matching through --robots-test: the examples of sections 2.2.2
# and 5, longest match, Allow over Disallow at equal length, "*" and "$",
# percent-encoding, an unmatched agent falling back to "*".
cat > robots.txt <<'R'
User-Agent: *
Disallow: *.gif$
Disallow: /example/
Allow: /publications/

User-Agent: foobot
Disallow:/
Allow:/example/page.html
Allow:/example/allowed.gif

User-Agent: barbot
User-Agent: bazbot
Disallow: /example/page.html

User-Agent: quxbot
Allow: /p
Disallow: /
Allow: /folder
Disallow: /folder
Disallow: /*.php$
Allow: /page
Disallow: /*.htm
Allow: /foo/bar?baz=quux
Disallow: /%E3%83%84
Disallow: /path/file-with-a-%2A.html
Allow: /this$
Disallow: /this
Disallow: /a%3cd.html
R
while read -r ua url; do
	printf '%s ' "$ua"
	echo "$url" | crawl-fetch --robots-test robots.txt --user-agent "$ua"
done <<'U'
foobot http://example.com/example/page.html
foobot http://example.com/example/allowed.gif
foobot http://example.com/other
FooBot/1.2 http://example.com/example/page.html
barbot http://example.com/example/page.html
bazbot http://example.com/example/page.html
bazbot http://example.com/example/other.html
otherbot http://example.com/example/x
otherbot http://example.com/publications/x
otherbot http://example.com/a.gif
otherbot http://example.com/a.gif?x
otherbot http://example.com/robots.txt
quxbot http://example.com/page
quxbot http://example.com/folder
quxbot http://example.com/folder/x
quxbot http://example.com/filename.php
quxbot http://example.com/filename.php?x
quxbot http://example.com/page.htm
quxbot http://example.com/pagex.htm
quxbot http://example.com/foo/bar?baz=quux
quxbot http://example.com/foo/bar?baz=quux2
quxbot http://example.com/ツ
quxbot http://example.com/%e3%83%84
quxbot http://example.com/path/file-with-a-*.html
quxbot http://example.com/this
quxbot http://example.com/this2
quxbot http://example.com/a<d.html
quxbot http://example.com/p
U
