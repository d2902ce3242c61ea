# BERT masking of NSP pairs: labels at selected positions, segments and label kept.
tokcat --pack --vocab-size 200 --special pad=0 --special unk=1 --special cls=2 --special sep=3 --special mask=4 --special eos=5 "$TESTS/data/mask/docs.jsonl" > in.tok
nsp-pair --seed 7 --max-seq-len 24 in.tok | mask-gen --seed 1 | tokcat --header
