#!/usr/bin/env bash
# bpe_tiktoken.sh - tokenize with GPT-2's vocabulary (and cl100k_base's and
# o200k_base's, with their patterns) gives exactly tiktoken's ids: the fixture (prose, code, Japanese, emoji, whitespace runs, digits,
# contractions, CRLF), thousands of random mixtures of such pieces, and the
# license texts of this system; for GPT-2 from all three vocabulary files
# (.tiktoken, vocab.json + merges.txt, tokenizer.json); with 1 and 2 threads.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
data=$here/../data/bpe
npm_dir=$REF_CACHE/npm-bpe
if [ ! -d "$npm_dir/node_modules/tiktoken" ]; then
	mkdir -p "$npm_dir"
	(cd "$npm_dir" && npm install --silent --no-audit --no-fund tiktoken@1 tokenizers@0.23 >/dev/null)
fi
export NODE_PATH=$npm_dir/node_modules
work=$(mktemp -d "${TMPDIR:-/tmp}/ptk-ref-bpe.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
python3 "$here/bpe_gpt2_files.py" "$npm_dir/node_modules/tiktoken" gpt2 cl100k_base o200k_base

# Texts: the fixture, random mixtures, and real documents.
cp "$data/gpt2-sample.txt" t0.txt
python3 - "$data/gpt2-sample.txt" <<'PY'
import random, sys
src = open(sys.argv[1], encoding="utf-8").read()
bits = src.split(" ") + list(src) + ["\n", "\n\n", "   ", "\t", "'s", "'S", "\u00a0",
        "\u3000", "\u0085", "\u2028", "123", "4567", "!!", "...", " 's", "\r\n", "😀",
        "<|endoftext|>"]
r = random.Random(5)
for k in range(1, 41):
    with open("t%d.txt" % k, "w", encoding="utf-8", newline="") as f:
        f.write("".join(r.choice(bits) + r.choice(["", " ", "  "]) for _ in range(3000)))
PY
k=100
for f in /usr/share/common-licenses/*; do
	[ -f "$f" ] && cp "$f" "t$k.txt" && k=$((k + 1))
done
# one long text, which tokenize cuts into parts for its threads
for i in 1 2 3; do cat /usr/share/common-licenses/* 2>/dev/null; done > t200.txt

cat > tt.js <<'JS'
const fs = require('fs');
const { get_encoding } = require('tiktoken');
const [name, ...files] = process.argv.slice(2);
const enc = get_encoding(name);
for (const f of files) {
  const ids = enc.encode_ordinary(fs.readFileSync(f, 'utf8'));
  fs.writeFileSync(f + '.' + name, JSON.stringify(Array.from(ids)) + '\n');
}
enc.free();
JS
for e in gpt2 cl100k_base o200k_base; do node tt.js $e t*.txt; done
cmp "$data/gpt2-sample.ids" t0.txt.gpt2 || { echo "the fixture's ids are not tiktoken's" >&2; exit 1; }

fail=0
check() {	# ENCODING VOCAB
	for j in 1 2; do
		tokenize -j $j --vocab "$2" --ignore-special --text t*.txt -o out.tok
		tokcat out.tok | jq -c '.tokens' > got
		for f in t*.txt; do cat "$f.$1"; done > want
		if ! cmp -s got want; then
			echo "bpe_tiktoken: $2 -j $j: ids differ from tiktoken's $1" >&2
			fail=1
		fi
	done
}
for v in gpt2/gpt2.tiktoken gpt2 gpt2/tokenizer.json; do check gpt2 "$v"; done
check cl100k_base gpt2/cl100k_base.tiktoken
check o200k_base gpt2/o200k_base.tiktoken
n=$(ls t*.txt | wc -l)
echo "bpe_tiktoken: $n texts; gpt2 (3 vocabulary files), cl100k_base, o200k_base; 1 and 2 threads"
exit $fail
