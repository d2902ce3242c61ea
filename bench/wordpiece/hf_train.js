#!/usr/bin/env node
// Train BERT-style WordPiece with HuggingFace tokenizers (npm): the binding's
// default WordPieceTrainer (vocab 30000, no special tokens), BertNormalizer
// (lowercase) and BertPreTokenizer, reading CORPUS line by line; then append
// [PAD] [UNK] [CLS] [SEP] [MASK] so that the vocabulary can encode.
// usage: node hf_train.js CORPUS OUT.json   (RAYON_NUM_THREADS sets threads)
'use strict';
const fs = require('fs');
const tk = require('tokenizers');
const [corpus, out] = process.argv.slice(2);
const tok = new tk.Tokenizer(tk.WordPiece.init({}, { unkToken: '[UNK]' }));
tok.setNormalizer(tk.bertNormalizer({ lowercase: true }));
tok.setPreTokenizer(tk.bertPreTokenizer());
tok.setDecoder(tk.wordPieceDecoder('##', true));
const t0 = process.hrtime.bigint();
tok.train([corpus]);
const t1 = process.hrtime.bigint();
tok.save(out, false);
const j = JSON.parse(fs.readFileSync(out, 'utf8'));
let next = Object.keys(j.model.vocab).length;
for (const s of ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'])
  if (!(s in j.model.vocab)) j.model.vocab[s] = next++;
fs.writeFileSync(out, JSON.stringify(j));
const toks = Object.keys(j.model.vocab).sort((a, b) => j.model.vocab[a] - j.model.vocab[b]);
fs.writeFileSync(out.replace(/\.json$/, '') + '.vocab.txt', toks.map(t => t + '\n').join(''));
console.log(JSON.stringify({ train_s: Number(t1 - t0) / 1e9, vocab: toks.length }));
