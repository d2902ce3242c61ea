# A fine-tuning example without a label is refused with exit 1.
. "$TESTS/cli/train/enc.bash"
enc_seq 40 s.tok
nsp-pair --max-seq-len 24 --seed 1 s.tok | mask-gen -o m.tok
train --model bert-tiny --data m.tok -T 24 -B 4 --steps 1 --out ck -q -j 1
printf '[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\na\nb\n' > vocab.txt
printf '{"text":"a b","label":1}\n{"text":"b a"}\n' > tr.jsonl
train finetune --checkpoint ck --tokenizer vocab.txt --train tr.jsonl --val tr.jsonl -q -j 1
