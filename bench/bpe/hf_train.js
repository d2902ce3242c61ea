// Train GPT-2 style byte-level BPE with HuggingFace tokenizers (npm): the
// Node binding's train() uses the default BpeTrainer (vocab 30000, no
// special tokens, min_frequency 0) and reads files line by line.
// usage: node hf_train.js CORPUS OUT.json   (RAYON_NUM_THREADS sets threads)
'use strict';
const tk = require('tokenizers');
const [corpus, out] = process.argv.slice(2);
const tok = new tk.Tokenizer(tk.BPE.empty());
tok.setPreTokenizer(tk.byteLevelPreTokenizer(false, true));
const t0 = process.hrtime.bigint();
tok.train([corpus]);
const t1 = process.hrtime.bigint();
tok.save(out, false);
console.log(JSON.stringify({ train_s: Number(t1 - t0) / 1e9 }));
