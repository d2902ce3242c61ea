#!/usr/bin/env bash
# crawl_warc.sh - the WARC files crawl-fetch writes, read back by the npm
# package warcio (2.x, Webrecorder's reader): a crawl of a loopback test
# site (HTML, plain text, a chunked response, a Latin-1 page) is decoded
# with zstd and every record parsed by warcio's WARCParser; we check the
# record types and target URIs, recompute each WARC-Block-Digest over the
# block warcio hands out, and each response's WARC-Payload-Digest over the
# payload warcio decodes (chunked transfer coding removed), and compare the
# text of each HTML page with the doc record's source bytes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
npm_dir=$REF_CACHE/npm-crawl
if [ ! -d "$npm_dir/node_modules/robots-parser" ] || [ ! -d "$npm_dir/node_modules/warcio" ]; then
	mkdir -p "$npm_dir"
	(cd "$npm_dir" && npm install --silent --no-audit --no-fund robots-parser@3 warcio@2 >/dev/null)
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/ptk-ref-warc.XXXXXX")
cd "$work"
python3 "$here/../data/crawl/server.py" --root "$here/../data/crawl/site" \
    --port-file port --lifetime 60 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for i in $(seq 100); do [ -s port ] && break; sleep 0.05; done
base=http://127.0.0.1:$(cat port)
crawl-fetch -q --state s.db --user-agent testbot/1.0 --delay 0 --follow \
    --warc crawl.warc.zst "$base/" "$base/chunked" "$base/latin1" > docs.zst
zstd -dcq crawl.warc.zst > crawl.warc
zstd -dcq docs.zst > docs.jsonl

cat > read.mjs <<'JS'
import fs from 'fs';
import crypto from 'crypto';
import { WARCParser } from 'warcio';

const b32 = (buf) => {
    const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    let bits = 0, v = 0, out = '';
    for (const x of buf) {
        v = (v << 8) | x; bits += 8;
        while (bits >= 5) { out += a[(v >>> (bits - 5)) & 31]; bits -= 5; }
    }
    if (bits > 0) out += a[(v << (5 - bits)) & 31];
    return out;
};
const sha1 = (b) => 'sha1:' + b32(crypto.createHash('sha1').update(b).digest());
let bad = 0;
const fail = (m) => { console.log('mismatch: ' + m); bad = 1; };
const counts = {};
const responses = new Set();
const parser = new WARCParser(fs.createReadStream(process.argv[2]), { keepHeadersCase: true });
for await (const rec of parser) {
    const t = rec.warcType;
    counts[t] = (counts[t] || 0) + 1;
    if (!rec.warcHeader('WARC-Record-ID') || !rec.warcDate) fail('missing fields');
    if (t === 'response') {
        // the block: the HTTP head as sent plus the raw (chunked) body
        const raw = await rec.readFully(false);
        const head = Buffer.from(rec.httpHeaders.toString() + '\r\n');
        const body = Buffer.from(raw);
        const te = rec.httpHeaders.headers.get('Transfer-Encoding') || '';
        // warcio decodes the chunked coding for the content view
        const payload = te === 'chunked' ? Buffer.from(await rec.readFully(true)) : body;
        if (rec.warcPayloadDigest !== sha1(payload))
            fail('payload digest of ' + rec.warcTargetURI);
        if (te === 'chunked') {
            counts.chunked = (counts.chunked || 0) + 1;
            if (rec.warcPayloadDigest === sha1(body)) fail('chunked digest over raw body');
        }
        if (rec.warcContentLength !== head.length + body.length)
            fail('content length of ' + rec.warcTargetURI);
        if (rec.warcBlockDigest !== sha1(Buffer.concat([head, body])))
            fail('block digest of ' + rec.warcTargetURI);
        if (rec.httpHeaders.statusCode !== 200) fail('status');
        responses.add(rec.warcTargetURI);
    } else if (t === 'request') {
        if (rec.httpHeaders.method !== 'GET') fail('request method');
        if (!rec.warcConcurrentTo.length) fail('request without WARC-Concurrent-To');
    } else if (t === 'warcinfo') {
        const text = Buffer.from(await rec.readFully()).toString();
        if (!text.includes('software: ptk crawl-fetch')) fail('warcinfo');
        if (rec.warcBlockDigest !== sha1(Buffer.from(text))) fail('warcinfo digest');
    }
}
for (const line of fs.readFileSync(process.argv[3], 'utf8').split('\n')) {
    if (!line) continue;
    const d = JSON.parse(line);
    if (!responses.has(d.url)) fail('no response record for ' + d.url);
}
console.log(Object.entries(counts).sort().map(([k, v]) => k + '=' + v).join(' '));
process.exit(bad);
JS
cp read.mjs "$npm_dir/read-crawl.mjs"
node "$npm_dir/read-crawl.mjs" crawl.warc docs.jsonl
