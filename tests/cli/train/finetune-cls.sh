# Fine-tuning: a tiny BERT pre-trained briefly on two toy "books" (a
# WordPiece vocabulary trained on them) learns to tell which book a passage
# comes from: validation accuracy well above the majority class (0.6).
. "$TESTS/cli/train/finetune.bash"
ft_docs 400 7 > docs.jsonl
wordpiece-train --vocab-size 120 -o wp docs.jsonl -q
tokenize --vocab wp/vocab.txt --sentences docs.jsonl -o t.tok
nsp-pair --max-seq-len 32 --dupe-factor 2 --seed 1 t.tok | mask-gen -o m.tok
train --model bert-tiny --data m.tok -T 32 -B 16 --steps 60 --lr 2e-3 \
	--warmup 10 --out ck -q -j 1
ft_docs 200 99 > tr.jsonl
ft_docs 100 123 > va.jsonl
train finetune --checkpoint ck --tokenizer wp/vocab.txt --train tr.jsonl \
	--val va.jsonl -T 32 --lr 1e-3 --epochs 4 --log ft.jsonl -q -j 1 > acc.jsonl
jq -e -s 'length == 4 and .[-1].val_acc > 0.9' acc.jsonl >/dev/null
jq -e -s 'map(select(.val_acc)) | length == 4' ft.jsonl >/dev/null
