#!/usr/bin/env python3
"""make-site.py - turn doc records into a small static web site to crawl.

Usage: tokcat DOCS | pipelines/make-site.py SITEDIR

Each record becomes SITEDIR/<n>.html (title = id, text as paragraphs); pages
are grouped by the part of the id before its last digits (kjv/Ge1 -> Ge), and
SITEDIR/index.html links one page per group, which links its records' pages.
The demo crawls it through file:// URLs, so the whole pipeline runs offline.
A robots.txt is written too, for crawling the same folder over HTTP.
"""
import html
import json
import os
import re
import sys

site = sys.argv[1]
os.makedirs(site, exist_ok=True)
groups = {}
order = []
for n, line in enumerate(sys.stdin):
    rec = json.loads(line)
    group = re.sub(r"\d+$", "", rec["id"].split("/")[-1]) or "docs"
    if group not in groups:
        groups[group] = []
        order.append(group)
    page = "p%d.html" % n
    groups[group].append((rec["id"], page))
    paras = "".join("<p>%s</p>\n" % html.escape(p) for p in rec["text"].split("\n"))
    with open(os.path.join(site, page), "w", encoding="utf-8") as f:
        f.write("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title></head>\n"
                "<body><nav><a href=\"index.html\">index</a></nav>\n<h1>%s</h1>\n%s</body></html>\n"
                % (html.escape(rec["id"]), html.escape(rec["id"]), paras))
for g in order:
    links = "".join("<li><a href=\"%s\">%s</a></li>\n" % (p, html.escape(i)) for i, p in groups[g])
    with open(os.path.join(site, "g-%s.html" % g), "w", encoding="utf-8") as f:
        f.write("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title></head>\n"
                "<body><h1>%s</h1><ul>\n%s</ul></body></html>\n" % (html.escape(g), html.escape(g), links))
with open(os.path.join(site, "index.html"), "w", encoding="utf-8") as f:
    f.write("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>index</title></head>\n<body><ul>\n%s</ul></body></html>\n"
            % "".join("<li><a href=\"g-%s.html\">%s</a></li>\n" % (g, html.escape(g)) for g in order))
with open(os.path.join(site, "robots.txt"), "w") as f:
    f.write("User-agent: *\nAllow: /\n")
