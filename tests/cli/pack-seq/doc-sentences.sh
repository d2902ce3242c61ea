# DOC-SENTENCES: blocks never cross a document; a prefix token first.
tokcat --pack --vocab-size 200 --special pad=0 --special unk=1 --special cls=2 --special sep=3 --special mask=4 --special eos=5 "$TESTS/data/mask/docs.jsonl" > in.tok
pack-seq --mode doc-sentences --max-len 32 --prefix-id 2 in.tok | tokcat | head -4
