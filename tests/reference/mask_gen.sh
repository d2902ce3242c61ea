#!/usr/bin/env bash
# mask_gen.sh - mask-gen --span and nsp-pair against ports of T5's
# preprocessors and BERT's create_pretraining_data.py (mask_ref.py):
#  1. T5: exact sentinel inputs/targets for our noise masks, T5's noise and
#     span counts, and span lengths distributed as random_spans_noise_mask's;
#  2. BERT NSP: the same share of random-next examples, mean length and
#     number of examples as create_instances_from_document on the same text.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
work=$(mktemp -d "${TMPDIR:-/tmp}/ptk-ref-mask.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
bash "$here/../data/mask/gen-docs.sh" 3000 11 > docs.jsonl
tokcat --pack --vocab-size 30000 --special cls=2 --special sep=3 docs.jsonl > in.tok
# T5 over records of many lengths (2..600 tokens); sentinels above the data ids
$py -c '
import json, random
random.seed(3)
for line in open("docs.jsonl"):
    d = json.loads(line)
    t = d["tokens"]
    while t:
        k = random.randint(2, 600)
        print(json.dumps({"id": "%s.%d" % (d["id"], len(t)), "tokens": t[:k]}))
        t = t[k:]
' > pieces.jsonl
tokcat --pack --vocab-size 32000 pieces.jsonl |
    mask-gen --span --no-eos --sentinels 200 --seed 4 | tokcat > span.jsonl
$py "$here/mask_ref.py" t5 pieces.jsonl span.jsonl 32000
# NSP: 3000 documents fit one batch, so B comes from the whole corpus as in BERT
for s in 1 2 3; do nsp-pair --seed $s --max-seq-len 64 in.tok; done | tokcat > pairs.jsonl
tokcat in.tok > docs3.jsonl
$py "$here/mask_ref.py" nsp docs3.jsonl pairs.jsonl 64
