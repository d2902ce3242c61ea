#!/usr/bin/env python3
"""An independent WARC/1.1 reader for the crawl-fetch tests, written from
the WARC 1.1 specification (ISO 28500:2017) rather than from our writer.

usage: warc_check.py WARC [DOCS]
  WARC  the file crawl-fetch wrote (zstd, one frame per record, or plain)
  DOCS  its doc records (plain JSON Lines): each record's metadata
        warc_offset must point at the start of a frame holding the
        response (or resource) record of that URL.
Checks: version line, mandatory fields (WARC-Type, WARC-Record-ID as a
<urn:uuid:...>, WARC-Date as a UTC timestamp, Content-Length), the block
length and the CRLF CRLF after it, WARC-Block-Digest over the block, and
for response records WARC-Payload-Digest over the HTTP entity body with the
chunked transfer coding removed by this reader.  Prints one summary line.
"""
import base64
import hashlib
import json
import re
import subprocess
import sys

def die(msg):
    print("warc_check: " + msg, file=sys.stderr)
    sys.exit(1)

def sha1(b):
    return "sha1:" + base64.b32encode(hashlib.sha1(b).digest()).decode()

def dechunk(b):
    out = bytearray()
    i = 0
    while True:
        j = b.index(b"\r\n", i)
        size = int(b[i:j].split(b";")[0], 16)
        i = j + 2
        if size == 0:
            return bytes(out)
        out += b[i:i + size]
        if b[i + size:i + size + 2] != b"\r\n":
            die("bad chunk framing")
        i += size + 2

def unzstd(raw):
    if raw[:4] == b"\x28\xb5\x2f\xfd":
        return subprocess.run(["zstd", "-dcq"], input=raw, stdout=subprocess.PIPE,
                              check=True).stdout
    return raw

def records(data):
    i = 0
    while i < len(data):
        end = data.find(b"\r\n\r\n", i)
        if end < 0:
            die("record head at %d not ended" % i)
        lines = data[i:end].split(b"\r\n")
        if lines[0] != b"WARC/1.1":
            die("bad version line at %d: %r" % (i, lines[0][:20]))
        f = {}
        for ln in lines[1:]:
            k, sep, v = ln.partition(b":")
            if not sep:
                die("field without colon at %d" % i)
            f[k.decode().lower()] = v.strip().decode()
        for k in ("warc-type", "warc-record-id", "warc-date", "content-length"):
            if k not in f:
                die("missing %s at %d" % (k, i))
        if not re.fullmatch(r"<urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}>",
                            f["warc-record-id"]):
            die("bad WARC-Record-ID %s" % f["warc-record-id"])
        if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", f["warc-date"]):
            die("bad WARC-Date %s" % f["warc-date"])
        n = int(f["content-length"])
        block = data[end + 4:end + 4 + n]
        if len(block) != n or data[end + 4 + n:end + 8 + n] != b"\r\n\r\n":
            die("block of %s at %d is not Content-Length long" % (f["warc-type"], i))
        yield i, f, block
        i = end + 8 + n

def main():
    raw = open(sys.argv[1], "rb").read()
    data = unzstd(raw)
    ids = set()
    count = {}
    concurrent = []
    for off, f, block in records(data):
        t = f["warc-type"]
        count[t] = count.get(t, 0) + 1
        if f["warc-record-id"] in ids:
            die("duplicate record id")
        ids.add(f["warc-record-id"])
        if "warc-block-digest" in f and f["warc-block-digest"] != sha1(block):
            die("block digest mismatch in %s %s" % (t, f.get("warc-target-uri")))
        if t == "response":
            if f.get("content-type") != "application/http;msgtype=response":
                die("response content type")
            head, sep, body = block.partition(b"\r\n\r\n")
            if not sep or not head.startswith(b"HTTP/1."):
                die("response block is not an HTTP message")
            hl = head.decode("latin-1").lower()
            if re.search(r"^transfer-encoding:.*chunked", hl, re.M):
                body = dechunk(body)
                count["chunked"] = count.get("chunked", 0) + 1
            if f.get("warc-payload-digest") != sha1(body):
                die("payload digest mismatch for %s" % f.get("warc-target-uri"))
        if t == "request":
            if not block.startswith(b"GET "):
                die("request block is not an HTTP request")
            concurrent.append(f.get("warc-concurrent-to"))
        if t in ("request", "response", "resource") and not f.get("warc-target-uri"):
            die("no WARC-Target-URI")
    for c in concurrent:
        if c not in ids:
            die("WARC-Concurrent-To names no record")
    if len(sys.argv) > 2:
        for line in open(sys.argv[2], encoding="utf-8"):
            d = json.loads(line)
            off = d["metadata"]["warc_offset"]
            part = unzstd(raw[off:])
            first = next(records(part))
            if first[1].get("warc-target-uri") != d["url"] or \
                    first[1]["warc-type"] not in ("response", "resource"):
                die("warc_offset %d of %s does not start its record" % (off, d["url"]))
    print("warc ok: " + " ".join("%s=%d" % kv for kv in sorted(count.items())))

main()
