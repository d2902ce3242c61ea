# Sequence records keep their bounds.
tokcat --pack --vocab-size 200 --special pad=0 --special unk=1 --special cls=2 --special sep=3 --special mask=4 --special eos=5 "$TESTS/data/mask/docs.jsonl" > in.tok
mask-gen --seed 2 --mask-prob 0.3 --max-predictions 3 in.tok | tokcat | head -4
