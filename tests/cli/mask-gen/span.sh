# T5 span corruption: segment 0 = inputs, segment 1 = targets, EOS appended.
tokcat --pack --vocab-size 200 --special pad=0 --special unk=1 --special cls=2 --special sep=3 --special mask=4 --special eos=5 "$TESTS/data/mask/docs.jsonl" > in.tok
mask-gen --span --seed 3 --sentinel-top 199 in.tok | tokcat --header | head -4
mask-gen --span --no-eos --seed 3 --sentinel-top 199 in.tok | tokcat | head -1
