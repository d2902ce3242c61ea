#!/usr/bin/env bash
# wordpiece.sh - wordpiece-train and WordPiece tokenize against HuggingFace
# tokenizers (npm, 0.23):
#  1. training: the vocabulary of WordPieceTrainer (the Node binding's
#     default trainer: vocab 30000, no special tokens) on the same text, token
#     for token and id for id, once the "##c" tokens are numbered in the order
#     that HuggingFace's run gave them (HuggingFace numbers them in hash
#     order, which changes from run to run); the same output for -j 1 and 2;
#  2. encoding: real text (English with accents and punctuation, Japanese,
#     Chinese, Korean, 25 other languages, control and format characters,
#     odd spaces, emoji) gives the same ids as HuggingFace's
#     BertWordPieceTokenizer set-up, with a vocab.txt trained here and one
#     trained by HuggingFace, uncased and cased, max_input_chars_per_word
#     100 and 200, and with our tokenizer.json loaded by HuggingFace;
#  3. decoding: tokenize --decode gives HuggingFace's WordPiece decoder text.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$here/../..
text=$here/../data/wp/multilingual.txt
npm_dir=$REF_CACHE/npm-wp
if [ ! -d "$npm_dir/node_modules/tokenizers" ]; then
	mkdir -p "$npm_dir"
	(cd "$npm_dir" && npm install --silent --no-audit --no-fund tokenizers@0.23 >/dev/null)
fi
export NODE_PATH=$npm_dir/node_modules
work=$(mktemp -d "${TMPDIR:-/tmp}/ptk-ref-wp.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
fail=0

cc -std=c11 -D_GNU_SOURCE -O2 -fopenmp -I"$root/lib" -o order \
    "$here/wordpiece_order.c" "$root/build/libptk.a" -lzstd -lutf8proc -lxxhash -lm

# The training text: the bundled KJV sample and the multilingual fixture.
zstd -dc "$root/data/kjv.jsonl.zst" | jq -r .text > train.txt
cat "$text" >> train.txt

# 1. training
cat > train.js <<'JS'
const fs = require('fs');
const tk = require('tokenizers');
const tok = new tk.Tokenizer(tk.WordPiece.init({}, { unkToken: '[UNK]' }));
tok.setNormalizer(tk.bertNormalizer({ lowercase: true }));
tok.setPreTokenizer(tk.bertPreTokenizer());
tok.train([process.argv[2]]);
tok.save(process.argv[3], false);
const v = JSON.parse(fs.readFileSync(process.argv[3], 'utf8')).model.vocab;
const toks = Object.keys(v).sort((a, b) => v[a] - v[b]);
fs.writeFileSync(process.argv[4], toks.map(t => t + '\n').join(''));
fs.writeFileSync(process.argv[5], toks.filter(t => t.startsWith('##') && [...t].length === 3)
  .map(t => t + '\n').join(''));
JS
node train.js train.txt hf.json hf_vocab.txt hf_order.txt > /dev/null
./order hf_order.txt 30000 train.txt > ours_ordered.txt
if cmp -s hf_vocab.txt ours_ordered.txt; then
	echo "wordpiece: training: $(wc -l < hf_vocab.txt) tokens, the same as WordPieceTrainer's"
else
	echo "wordpiece: training differs from WordPieceTrainer" >&2
	diff hf_vocab.txt ours_ordered.txt | head -5 >&2
	fail=1
fi
wordpiece-train -j 1 --text --vocab-size 30005 -o ours1 train.txt
wordpiece-train -j 2 --text --vocab-size 30005 -o ours2 train.txt
cmp ours1/vocab.txt ours2/vocab.txt || { echo "wordpiece: -j 1 and -j 2 differ" >&2; fail=1; }
cmp ours1/tokenizer.json ours2/tokenizer.json || fail=1
# Without the order, only the "##c" numbering and the ties it breaks differ.
common=$(sort ours1/vocab.txt hf_vocab.txt | uniq -d | wc -l)
echo "wordpiece: training: $common of $(wc -l < hf_vocab.txt) tokens in common with default numbering"
# HuggingFace's vocabulary with the special tokens after it, as in BERT's use.
{ cat hf_vocab.txt; printf '[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n'; } > hf_bert.txt
wordpiece-train --text --vocab-size 8000 -o small train.txt
wordpiece-train --text --vocab-size 8000 --no-lowercase -o cased train.txt

# 2. encoding, line by line
jq -R -c '{id: (input_line_number | tostring), text: .}' "$text" > text.jsonl
ours() {	# vocab [tokenize options]
	local v=$1
	shift
	tokenize --vocab "$v" "$@" text.jsonl | tokcat | jq -c .tokens
}
check() {	# name hf-vocab hf-mode hf-maxchars our-vocab [tokenize options]
	local name=$1 hv=$2 mode=$3 maxc=$4 ov=$5
	shift 5
	node "$here/wordpiece_hf.js" "$hv" "$text" "$mode" "$maxc" > hf.ids
	ours "$ov" "$@" > ours.ids
	if cmp -s hf.ids ours.ids; then
		echo "wordpiece: encoding, $name: $(wc -l < hf.ids) lines, the same ids"
	else
		echo "wordpiece: encoding, $name: ids differ" >&2
		diff hf.ids ours.ids | head -6 >&2
		fail=1
	fi
}
check "our vocab.txt, uncased" small/vocab.txt uncased "" small/vocab.txt
check "our vocab.txt, 200 chars" small/vocab.txt uncased 200 small/vocab.txt --max-word-chars 200
check "our cased vocab.txt, cased" cased/vocab.txt cased "" cased/vocab.txt --cased
check "HuggingFace's vocab.txt" hf_bert.txt uncased "" hf_bert.txt
check "HuggingFace's vocab.txt, cased" hf_bert.txt cased "" hf_bert.txt --cased
check "our tokenizer.json in HuggingFace" small/tokenizer.json json "" small
check "our cased tokenizer.json in HuggingFace" cased/tokenizer.json json "" cased

# 3. decoding
cat > decode.js <<'JS'
const fs = require('fs');
const tk = require('tokenizers');
(async () => {
  const tok = tk.Tokenizer.fromFile(process.argv[2]);
  const lines = fs.readFileSync(process.argv[3], 'utf8').split('\n').filter(l => l.length);
  const out = [];
  for (const l of lines) out.push(JSON.stringify(await tok.decode(JSON.parse(l), false)));
  fs.writeFileSync(process.argv[4], out.join('\n') + '\n');
})();
JS
ours small > ours.ids
node decode.js small/tokenizer.json ours.ids hf.text
tokenize --vocab small text.jsonl | tokenize --vocab small --decode --no-compress | jq -c .text > ours.text
if cmp -s hf.text ours.text; then
	echo "wordpiece: decoding: $(wc -l < hf.text) lines, the same text"
else
	echo "wordpiece: decoding differs" >&2
	diff hf.text ours.text | head -6 >&2
	fail=1
fi
exit $fail
