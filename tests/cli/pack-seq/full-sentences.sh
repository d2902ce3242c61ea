# RoBERTa FULL-SENTENCES: whole sentences across documents, eos after each document.
tokcat --pack --vocab-size 200 --special pad=0 --special unk=1 --special cls=2 --special sep=3 --special mask=4 --special eos=5 "$TESTS/data/mask/docs.jsonl" > in.tok
pack-seq --max-len 32 in.tok | tokcat --header | head -6
