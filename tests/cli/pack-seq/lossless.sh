# Every input token comes out once, in order, in blocks never over --max-len.
bash "$TESTS/data/mask/gen-docs.sh" 2000 7 > docs.jsonl
tokcat --pack --vocab-size 30000 --special eos=1 docs.jsonl > in.tok
for mode in full-sentences doc-sentences concat; do
	pack-seq --mode $mode --max-len 100 in.tok | tokcat > out.jsonl
	python3 - "$mode" <<'PY'
import json, sys
docs = [t for l in open("docs.jsonl") for t in json.loads(l)["tokens"]]
blocks = [json.loads(l)["tokens"] for l in open("out.jsonl")]
got = [t for b in blocks for t in b if t != 1]
print(sys.argv[1], got == docs, max(map(len, blocks)) <= 100)
PY
done
