# A span example whose answer_start does not point at its answer is refused
# with the line and byte; so is a GPT checkpoint asked for --task span.
. "$TESTS/cli/train/enc.bash"
enc_seq 40 s.tok
nsp-pair --max-seq-len 24 --seed 1 s.tok | mask-gen -o m.tok
train --model bert-tiny --data m.tok -T 24 -B 4 --steps 1 --out ck -q -j 1
printf '[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\na\nb\n' > vocab.txt
printf '{"question":"a","context":"a b","answer":"b"}\n{"question":"a","context":"a b","answer":"b","answer_start":0}\n' > tr.jsonl
train finetune --task span --checkpoint ck --tokenizer vocab.txt --train tr.jsonl --val tr.jsonl -q -j 1
