#!/usr/bin/env node
// Encode each line of TEXT with HuggingFace tokenizers (npm) as BertWordPieceTokenizer
// does for a vocab.txt (WordPiece + BertNormalizer + BertPreTokenizer, special tokens
// [PAD] [UNK] [CLS] [SEP] [MASK] added when in the vocabulary), or with a tokenizer.json.
// usage: node wordpiece_hf.js VOCAB.txt|tokenizer.json TEXT [cased|uncased] [maxchars]
// prints one JSON array of ids per line of TEXT ('\n' not included)
'use strict';
const fs = require('fs');
const tk = require(process.env.HF_TOKENIZERS_DIR || 'tokenizers');
const [vocab, text, mode, maxc] = process.argv.slice(2);
(async () => {
  let tok;
  if (vocab.endsWith('.json')) {
    tok = tk.Tokenizer.fromFile(vocab);
  } else {
    const opts = { unkToken: '[UNK]' };
    if (maxc) opts.maxInputCharsPerWord = parseInt(maxc, 10);
    tok = new tk.Tokenizer(await tk.WordPiece.fromFile(vocab, opts));
    const lower = mode !== 'cased';
    tok.setNormalizer(tk.bertNormalizer({ cleanText: true, handleChineseChars: true, stripAccents: lower, lowercase: lower }));
    tok.setPreTokenizer(tk.bertPreTokenizer());
    const sp = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].filter(s => tok.tokenToId(s) !== null);
    tok.addSpecialTokens(sp);
  }
  const lines = fs.readFileSync(text, 'utf8').split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const out = [];
  for (let i = 0; i < lines.length; i += 1024) {
    const encs = await tok.encodeBatch(lines.slice(i, i + 1024), { addSpecialTokens: false });
    for (const e of encs) out.push(JSON.stringify(e.getIds()));
  }
  process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
})().catch(e => { console.error(e); process.exit(1); });
