#!/usr/bin/env bash
# bpe_hf.sh - bpe-train against HuggingFace tokenizers (npm, 0.23):
#  1. the same merges and vocabulary as BpeTrainer on the same text (the
#     Node binding trains with the default trainer: vocab 30000, no special
#     tokens, reading files line by line, which is what --lines does);
#  2. a tokenizer.json written by bpe-train (with special tokens, all 256
#     bytes, and also with another --pattern) loads in tokenizers and encodes
#     texts to the same ids as tokenize, and decodes them back.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
data=$here/../data/bpe
npm_dir=$REF_CACHE/npm-bpe
if [ ! -d "$npm_dir/node_modules/tokenizers" ]; then
	mkdir -p "$npm_dir"
	(cd "$npm_dir" && npm install --silent --no-audit --no-fund tiktoken@1 tokenizers@0.23 >/dev/null)
fi
export NODE_PATH=$npm_dir/node_modules
work=$(mktemp -d "${TMPDIR:-/tmp}/ptk-ref-bpehf.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
fail=0

cat > train.js <<'JS'
const fs = require('fs');
const tk = require('tokenizers');
const tok = new tk.Tokenizer(tk.BPE.empty());
tok.setPreTokenizer(tk.byteLevelPreTokenizer(false, true));
tok.train([process.argv[2]]);
tok.save(process.argv[3], false);
const j = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
fs.writeFileSync(process.argv[4], JSON.stringify(j.model.vocab));
fs.writeFileSync(process.argv[5], '#version: 0.2\n' +
  j.model.merges.map(m => (typeof m === 'string' ? m : m.join(' ')) + '\n').join(''));
JS
cat > encode.js <<'JS'
const fs = require('fs');
const tk = require('tokenizers');
(async () => {
  const tok = tk.Tokenizer.fromFile(process.argv[2]);
  for (const f of process.argv.slice(3)) {
    const text = fs.readFileSync(f, 'utf8');
    const e = await tok.encode(text, null, { addSpecialTokens: false });
    const ids = e.getIds();
    fs.writeFileSync(f + '.hf', JSON.stringify(Array.from(ids)) + '\n');
    const back = await tok.decode(ids, false);
    if (back !== text) { console.error('decode differs: ' + f); process.exit(1); }
  }
})();
JS
canon() { python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), sort_keys=True))' "$1"; }

# 1. merges: the fixture (trained to the end) and the system's license texts
cat /usr/share/common-licenses/* > licenses.txt 2>/dev/null || true
for corpus in "$data/train.txt" licenses.txt "$data/gpt2-sample.txt"; do
	name=$(basename "$corpus")
	node train.js "$corpus" hf.json hf_vocab.json hf_merges.txt > /dev/null 2>&1
	for j in 1 2; do
		bpe-train -j $j --lines -o ours "$corpus"
		if ! cmp -s hf_merges.txt ours/merges.txt; then
			echo "bpe_hf: $name -j $j: merges differ from BpeTrainer's" >&2
			diff hf_merges.txt ours/merges.txt | head -5 >&2
			fail=1
		fi
		if [ "$(canon hf_vocab.json)" != "$(canon ours/vocab.json)" ]; then
			echo "bpe_hf: $name -j $j: vocabulary differs" >&2
			fail=1
		fi
	done
	echo "bpe_hf: $name: $(($(wc -l < hf_merges.txt) - 1)) merges compared"
done

# 2. our tokenizer.json in tokenizers
python3 - "$data/gpt2-sample.txt" <<'PY'
import random, sys
src = open(sys.argv[1], encoding="utf-8").read()
bits = src.split(" ") + list(src) + ["\n\n", "   ", "\t", "'s", "\u00a0", "123", "<|endoftext|>", "<pad>"]
r = random.Random(9)
for k in range(20):
    with open("e%d.txt" % k, "w", encoding="utf-8", newline="") as f:
        f.write("".join(r.choice(bits) + r.choice(["", " "]) for _ in range(2000)))
PY
cp "$data/gpt2-sample.txt" "$data/train.txt" .
for variant in default pattern; do
	opt=()
	[ $variant = pattern ] && opt=(--pattern "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+")
	bpe-train --vocab-size 3000 --initial-alphabet bytes --special-tokens '<|endoftext|>,<pad>' \
		"${opt[@]}" --lines -o v licenses.txt
	node encode.js v/tokenizer.json e*.txt gpt2-sample.txt train.txt
	for f in e*.txt gpt2-sample.txt train.txt; do
		tokenize --vocab v --text "$f" | tokcat | jq -c .tokens > "$f.ours"
		if ! cmp -s "$f.ours" "$f.hf"; then
			echo "bpe_hf: $variant: $f: tokenize and tokenizers give different ids" >&2
			fail=1
		fi
	done
	echo "bpe_hf: $variant tokenizer.json: $(ls e*.txt | wc -l) + 2 texts encoded alike"
done
exit $fail
