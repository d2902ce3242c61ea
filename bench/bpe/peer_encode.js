// Encode a text file with tiktoken (gpt2) or HuggingFace tokenizers and
// print the token count and the seconds spent in the encode calls.
// usage: node peer_encode.js tiktoken CORPUS
//        node peer_encode.js hf TOKENIZER.json CORPUS  (RAYON_NUM_THREADS)
// Both get the text in ~1 MiB pieces cut after a '\n' between two visible
// ASCII characters, where GPT-2's pattern gives the same pieces as for the
// whole text; HF encodes them with encodeBatch (its parallel path).
'use strict';
const fs = require('fs');
const [tool, a, b] = process.argv.slice(2);
const corpus = tool === 'hf' ? b : a;
const text = fs.readFileSync(corpus, 'utf8');
const pieces = [];
for (let s = 0; s < text.length;) {
  let e = Math.min(s + (1 << 20), text.length);
  while (e < text.length && !(text[e - 1] === '\n' && /[!-~]/.test(text[e] || '') && /[!-~]/.test(text[e - 2] || ''))) e++;
  pieces.push(text.slice(s, e));
  s = e;
}
(async () => {
  let n = 0, t0, t1;
  if (tool === 'tiktoken') {
    const enc = require('tiktoken').get_encoding('gpt2');
    t0 = process.hrtime.bigint();
    for (const p of pieces) n += enc.encode_ordinary(p).length;
    t1 = process.hrtime.bigint();
  } else {
    const tok = require('tokenizers').Tokenizer.fromFile(a);
    t0 = process.hrtime.bigint();
    for (let i = 0; i < pieces.length; i += 8) {
      const encs = await tok.encodeBatch(pieces.slice(i, i + 8), { addSpecialTokens: false });
      for (const e of encs) n += e.getIds().length;
    }
    t1 = process.hrtime.bigint();
  }
  console.log(JSON.stringify({ tool, tokens: n, encode_s: Number(t1 - t0) / 1e9 }));
})();
