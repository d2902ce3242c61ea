#!/usr/bin/env python3
"""Loopback HTTP server for the crawl-fetch tests (127.0.0.1 only).

Serves files from --root and a few behaviours chosen by path:
  /status/N            answer status N
  /flaky/N/KEY         status N (with Retry-After: 1 when N is 429) for the
                       first request of KEY, then a page
  /slow/SECONDS        wait, then a page
  /redirect/N          redirect to /redirect/N-1 ... /redirect/0 is a page
  /loop/a, /loop/b     redirect to each other
  /big/BYTES           a text/plain body of BYTES bytes
  /chunked             a page sent with Transfer-Encoding: chunked
  /latin1              ISO-8859-1 text, charset in the header
  /latin1-meta         windows-1252 HTML, charset only in <meta>
  /image.png           image/png
  /untyped/html, /untyped/bin   no Content-Type (HTML, binary bytes)
  /gen/N               a generated page linking to /gen/10N+1 .. /gen/10N+F
                       (F = --fanout) while 10N+k < --gen-limit, after
                       --gen-sleep seconds
Every request line is appended to --log.  The chosen port goes to
--port-file.  The server stops by itself after --lifetime seconds.
"""
import argparse
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ap = argparse.ArgumentParser()
ap.add_argument("--root", default=".")
ap.add_argument("--port-file", required=True)
ap.add_argument("--log", default=os.devnull)
ap.add_argument("--robots-status", type=int, default=0)
ap.add_argument("--fanout", type=int, default=10)
ap.add_argument("--gen-limit", type=int, default=1000)
ap.add_argument("--gen-sleep", type=float, default=0)
ap.add_argument("--lifetime", type=float, default=120)
args = ap.parse_args()

log_lock = threading.Lock()
seen = set()
logf = open(args.log, "a", buffering=1)


def page(title, body, links=()):
    a = "".join('<li><a href="%s">%s</a></li>' % (l, l) for l in links)
    return ("<!DOCTYPE html><html><head><title>%s</title></head><body>"
            "<nav><a href=\"/\">home</a></nav><h1>%s</h1><p>%s</p><ul>%s</ul>"
            "<footer>footer text</footer></body></html>" % (title, title, body, a)).encode()


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        pass

    def send(self, code, body=b"", ctype="text/html; charset=utf-8", headers=()):
        self.send_response(code)
        if ctype:
            self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        p = self.path
        with log_lock:
            logf.write("%s %s\n" % (self.command, p))
        if p == "/robots.txt" and args.robots_status:
            return self.send(args.robots_status, b"no", "text/plain")
        parts = p.split("?")[0].split("/")
        if p.startswith("/status/"):
            code = int(parts[2])
            return self.send(code, b"status %d" % code, "text/plain")
        if p.startswith("/flaky/"):
            code, key = int(parts[2]), parts[3]
            with log_lock:
                first = key not in seen
                seen.add(key)
            if first:
                h = [("Retry-After", "1")] if code == 429 else []
                return self.send(code, b"try later", "text/plain", h)
            return self.send(200, page("flaky " + key, "recovered"))
        if p.startswith("/slow/"):
            time.sleep(float(parts[2]))
            return self.send(200, page("slow", "slow page"))
        if p.startswith("/redirect/"):
            n = int(parts[2])
            if n == 0:
                return self.send(200, page("end of chain", "redirect target"))
            return self.send(302, b"", "text/plain", [("Location", "/redirect/%d" % (n - 1))])
        if p.startswith("/loop/"):
            other = "/loop/b" if parts[2] == "a" else "/loop/a"
            return self.send(301, b"", "text/plain", [("Location", other)])
        if p.startswith("/big/"):
            return self.send(200, b"x" * int(parts[2]), "text/plain")
        if p == "/chunked":
            body = page("chunked", "sent in chunks")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(0, len(body), 37):
                c = body[i:i + 37]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(c), c))
            self.wfile.write(b"0\r\n\r\n")
            return
        if p == "/latin1":
            return self.send(200, "caf\u00e9 cr\u00e8me br\u00fbl\u00e9e\n".encode("latin-1"),
                             "text/plain; charset=ISO-8859-1")
        if p == "/latin1-meta":
            b = ("<html><head><meta charset=\"windows-1252\"><title>na\u00efve</title></head>"
                 "<body><p>\u201cquoted\u201d \u00e0 la carte</p></body></html>").encode("cp1252")
            return self.send(200, b, "text/html")
        if p == "/untyped/html":
            return self.send(200, page("untyped", "no content type"), None)
        if p == "/untyped/bin":
            return self.send(200, b"\x00\x01\x02binary", None)
        if p == "/image.png":
            return self.send(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "image/png")
        if p.startswith("/gen/"):
            n = int(parts[2])
            if args.gen_sleep:
                time.sleep(args.gen_sleep)
            kids = [10 * n + k for k in range(1, args.fanout + 1) if 10 * n + k < args.gen_limit]
            return self.send(200, page("gen %d" % n, "generated page %d " % n * 20,
                                       ["/gen/%d" % k for k in kids]))
        fp = os.path.normpath(os.path.join(args.root, p.split("?")[0].lstrip("/")))
        if os.path.isdir(fp):
            fp = os.path.join(fp, "index.html")
        if not fp.startswith(os.path.abspath(args.root)) or not os.path.isfile(fp):
            return self.send(404, b"not found", "text/plain")
        with open(fp, "rb") as f:
            body = f.read()
        ctype = "text/html; charset=utf-8"
        if fp.endswith(".html"):
            body = body.replace(b"PORT", str(self.server.server_address[1]).encode())
        if fp.endswith(".txt"):
            ctype = "text/plain; charset=utf-8"
        return self.send(200, body, ctype)


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
# A client that goes away (a killed crawl, a timeout) is not an error here.
srv.handle_error = lambda request, client_address: None
tmp = args.port_file + ".tmp"
with open(tmp, "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(tmp, args.port_file)
threading.Timer(args.lifetime, lambda: os._exit(0)).start()
srv.serve_forever()
