#!/usr/bin/env bash
# io.sh - the record I/O against independent implementations:
#  1. doc records: Python's json module (RFC 8259) and ours agree on thousands of
#     random records (every escape, astral characters, nesting), both ways;
#  2. invalid lines that Python's strict parsing also rejects are rejected by us;
#  3. zstd: our compressed output is read by the zstd tool, and zstd's own
#     multi-frame, --long and checksummed streams are read by us.
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
py=/usr/bin/python3
[ -x "$py" ] || py=python3

"$py" - <<'PY'
import json, random
random.seed(7)
def rstr(n):
    out = []
    for _ in range(n):
        r = random.random()
        if r < 0.5: out.append(chr(random.randint(0x20, 0x7e)))
        elif r < 0.6: out.append(random.choice('"\\\b\f\n\r\t/\x00\x01\x1f\x7f'))
        elif r < 0.8: out.append(chr(random.randint(0xa0, 0xd7ff)))
        elif r < 0.9: out.append(chr(random.randint(0xe000, 0xfffd)))
        else: out.append(chr(random.randint(0x10000, 0x10ffff)))
    return "".join(out)
def rval(d):
    r = random.random()
    if d > 3 or r < 0.3: return rstr(random.randint(0, 8))
    if r < 0.4: return random.randint(-10**12, 10**12)
    if r < 0.5: return random.random() * 10 ** random.randint(-5, 5)
    if r < 0.6: return random.choice([True, False, None])
    if r < 0.8: return [rval(d + 1) for _ in range(random.randint(0, 4))]
    return {rstr(3): rval(d + 1) for _ in range(random.randint(0, 4))}
with open("docs.jsonl", "w", encoding="utf-8") as f:
    for i in range(3000):
        rec = {"id": rstr(6), "text": rstr(random.randint(0, 300))}
        if random.random() < 0.5: rec["source"] = rstr(5)
        if random.random() < 0.3: rec["url"] = None
        if random.random() < 0.5: rec["metadata"] = {"k": rval(0), rstr(2): rval(0)}
        if random.random() < 0.3: rec["extra_" + rstr(2)] = rval(0)
        # Python may escape or not; both are valid input for us.
        f.write(json.dumps(rec, ensure_ascii=random.random() < 0.5,
                           separators=random.choice([(",", ":"), (", ", ": ")])) + "\n")
bad = ['{"id":"a","text":"\\ud800"}', '{"id":"a","text":"x" ', '{"id":"a","text":NaN}',
       '{"id":"a","text":"t","m":[1,2,]}', '{"id":"a","text":"t","m":01}', '{"id":"a","text":"\\x41"}',
       '{"id":"a","text":"t"} x', '{"id":"a","text":"tab\there"}', '{"id":"a","text":"t","m":tru}']
with open("bad.txt", "w") as f:
    for b in bad: f.write(b + "\n")
PY

# 1. Every record we accept reads back to the same object in Python, both
#    passed through and rewritten in canonical form (a fixed point).
"$BIN/tokcat" docs.jsonl > ours.jsonl
"$BIN/tokcat" --canonical docs.jsonl > canon.jsonl
"$BIN/tokcat" --canonical canon.jsonl | cmp - canon.jsonl
"$py" - <<'PY'
import json
a = [json.loads(l) for l in open("docs.jsonl", encoding="utf-8")]
b = [json.loads(l) for l in open("ours.jsonl", encoding="utf-8")]
assert a == b, "records differ after tokcat"
# The canonical form writes a null source, url or metadata as an absent member.
for rec in a:
    for k in ("source", "url", "metadata"):
        if k in rec and rec[k] is None:
            del rec[k]
b = [json.loads(l) for l in open("canon.jsonl", encoding="utf-8")]
assert a == b, "records differ in canonical form"
print("io: %d random records read and written alike (Python json), as they came and canonical" % len(a))
PY

# 2. Each invalid line is rejected (exit 1) by us and by Python's strict parser.
n=0
while IFS= read -r line; do
	n=$((n + 1))
	if printf '%s\n' "$line" | "$BIN/tokcat" > /dev/null 2>&1; then
		echo "io: accepted invalid line $n: $line" >&2
		exit 1
	fi
	printf '%s\n' "$line" | "$py" -c '
import json, sys
def strict(s):
    if "\\ud800" in s: raise ValueError("lone surrogate")
    json.loads(s, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
try:
    strict(sys.stdin.readline())
except ValueError:
    sys.exit(0)
sys.exit(1)' || { echo "io: Python accepts line $n, the test is wrong" >&2; exit 1; }
done < bad.txt
echo "io: $n invalid lines rejected by both"

# 3. zstd interop, both directions.
"$BIN/tokcat" --compress docs.jsonl > ours.zst
zstd -q -d -c ours.zst | cmp - docs.jsonl
zstd -q -19 --long=27 -c docs.jsonl > long.zst
split -n l/3 docs.jsonl part.
for p in part.*; do zstd -q -c --no-check "$p"; done > frames.zst
"$BIN/tokcat" long.zst | cmp - docs.jsonl
"$BIN/tokcat" frames.zst | cmp - docs.jsonl
echo "io: zstd reads our output; we read zstd's --long, multi-frame and unchecksummed streams"
