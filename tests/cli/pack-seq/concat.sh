# GPT: documents joined by end-of-text, blocks of exactly --max-len.
tokcat --pack --vocab-size 200 --special pad=0 --special unk=1 --special cls=2 --special sep=3 --special mask=4 --special eos=5 "$TESTS/data/mask/docs.jsonl" > in.tok
pack-seq --mode concat --max-len 32 in.tok | tokcat | head -3
pack-seq --mode concat --max-len 32 in.tok | tokcat | jq -s '[.[].tokens | length] | unique'
