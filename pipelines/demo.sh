#!/usr/bin/env bash
# demo.sh - the end-to-end pipeline on the bundled sample corpus (data/kjv.jsonl.zst):
# dedup -> decontaminate -> train a BPE vocabulary -> tokenize -> shard -> train a
# tiny GPT -> sample from it.  Each stage runs when its program is built.
# Output goes to ${PTK_DEMO_DIR:-build/demo}.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$top/bin
out=${PTK_DEMO_DIR:-$top/build/demo}
corpus=$top/data/kjv.jsonl.zst
mkdir -p "$out"
have() { [ -x "$bin/$1" ]; }
step() { printf '\n== %s\n' "$*"; }

step "the corpus"
"$bin/tokcat" --count "$corpus"
text=$corpus

if have dedup; then
	step "dedup: exact and near-duplicate removal"
	"$bin/dedup" -o "$out/dedup.jsonl.zst" "$text"
	"$bin/tokcat" --count "$out/dedup.jsonl.zst"
	text=$out/dedup.jsonl.zst
fi

if have benchmark-decontaminate && [ -d "$top/data/benchmarks" ]; then
	step "benchmark-decontaminate: drop documents that overlap evaluation sets"
	"$bin/benchmark-decontaminate" --benchmarks "$top/data/benchmarks" \
	    -o "$out/clean.jsonl.zst" "$text"
	text=$out/clean.jsonl.zst
fi

if have bpe-train && have tokenize; then
	step "bpe-train: a byte-level BPE vocabulary of 4096"
	"$bin/bpe-train" --vocab-size 4096 --special-tokens '<|endoftext|>' \
	    -o "$out/bpe" "$text"
	step "tokenize"
	"$bin/tokenize" --vocab "$out/bpe" --eos -o "$out/tokens.zst" "$text"
	"$bin/tokcat" --count "$out/tokens.zst"
	"$bin/tokcat" --head 1 "$out/tokens.zst" | cut -c 1-120
fi

if have shard && [ -f "$out/tokens.zst" ]; then
	step "shard: shuffled, checksummed shards with a validation split"
	rm -rf "$out/shards"
	"$bin/shard" --val-fraction 0.05 --seed 1 -o "$out/shards" "$out/tokens.zst"
	"$bin/shard" --verify "$out/shards"
fi

if have train && [ -d "$out/shards" ]; then
	step "train: a tiny GPT on 2 cores"
	rm -rf "$out/ckpt"
	"$bin/train" --data "$out/shards" --model gpt-tiny --steps "${PTK_DEMO_STEPS:-300}" \
	    --out "$out/ckpt" --log "$out/train.jsonl" --seed 1
	tail -n 2 "$out/train.jsonl"
fi

printf '\ndemo finished; outputs in %s\n' "$out"
