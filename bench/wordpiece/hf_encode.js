#!/usr/bin/env node
// Encode CORPUS with HuggingFace tokenizers (npm) as BertWordPieceTokenizer
// does for VOCAB.txt (WordPiece + BertNormalizer uncased + BertPreTokenizer,
// its special tokens added), line by line in encodeBatch calls of 8192 lines.
// Prints JSON: seconds in the encode calls, tokens, and the SHA-256 of all
// ids as u32 little-endian (to compare with tokenize's output).
// usage: node hf_encode.js VOCAB.txt CORPUS   (RAYON_NUM_THREADS sets threads)
'use strict';
const fs = require('fs');
const crypto = require('crypto');
const tk = require('tokenizers');
const [vocab, corpus] = process.argv.slice(2);
(async () => {
  const t0 = process.hrtime.bigint();
  const tok = new tk.Tokenizer(await tk.WordPiece.fromFile(vocab, { unkToken: '[UNK]' }));
  tok.setNormalizer(tk.bertNormalizer({ lowercase: true }));
  tok.setPreTokenizer(tk.bertPreTokenizer());
  tok.addSpecialTokens(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].filter(s => tok.tokenToId(s) !== null));
  const lines = fs.readFileSync(corpus, 'utf8').split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const h = crypto.createHash('sha256');
  let enc = 0n, n = 0;
  for (let i = 0; i < lines.length; i += 8192) {
    const a = process.hrtime.bigint();
    const es = await tok.encodeBatch(lines.slice(i, i + 8192), { addSpecialTokens: false });
    enc += process.hrtime.bigint() - a;
    for (const e of es) { const ids = e.getIds(); n += ids.length; h.update(Uint32Array.from(ids)); }
  }
  console.log(JSON.stringify({ encode_s: Number(enc) / 1e9, total_s: Number(process.hrtime.bigint() - t0) / 1e9,
    tokens: n, sha256: h.digest('hex') }));
})();
