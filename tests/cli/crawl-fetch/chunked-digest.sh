# A chunked response: the WARC record keeps the chunked bytes as received,
# and WARC-Payload-Digest is over the body with the chunking removed.  The
# expected digests are computed here by hand from the page the server sends.
. "$TESTS/data/crawl/lib.sh"
start_server "$TESTS/data/crawl/site" --robots-status 404
crawl-fetch -q --state s.db --delay 0 --no-compress --warc w.warc \
    "$BASE/chunked" > /dev/null
python3 - <<'P'
import base64, hashlib, re
body = (b'<!DOCTYPE html><html><head><title>chunked</title></head><body>'
        b'<nav><a href="/">home</a></nav><h1>chunked</h1><p>sent in chunks</p>'
        b'<ul></ul><footer>footer text</footer></body></html>')
chunked = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 37]), body[i:i + 37])
                   for i in range(0, len(body), 37)) + b"0\r\n\r\n"
d = lambda b: "sha1:" + base64.b32encode(hashlib.sha1(b).digest()).decode()
w = open("w.warc", "rb").read()
resp = w[w.index(b"WARC-Type: response"):]
pd = re.search(rb"WARC-Payload-Digest: (\S+)", resp).group(1).decode()
bd = re.search(rb"WARC-Block-Digest: (\S+)", resp).group(1).decode()
n = int(re.search(rb"Content-Length: (\d+)", resp).group(1))
block = resp[resp.index(b"\r\n\r\n") + 4:][:n]
print("payload digest is over the de-chunked body:", pd == d(body))
print("payload digest differs from the raw body's:", pd != d(chunked))
print("record keeps the chunked bytes:", block.endswith(b"\r\n\r\n" + chunked))
print("block digest covers them:", bd == d(block))
P
