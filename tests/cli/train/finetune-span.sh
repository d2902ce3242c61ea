# SQuAD-style span fine-tuning of a tiny BERT: find the animal or the tool
# a question asks for in a context of filler words; validation exact match
# and F1 end high, F1 >= EM, and --predict writes one answer per
# validation line.
. "$TESTS/cli/train/finetune.bash"
ft_docs 400 7 > docs.jsonl
span_docs 600 11 > tr.jsonl
span_docs 150 99 > va.jsonl
jq -c '{id, text: (.question + " " + .context)}' tr.jsonl | cat docs.jsonl - > all.jsonl
wordpiece-train --vocab-size 120 -o wp all.jsonl -q
tokenize --vocab wp/vocab.txt --sentences all.jsonl -o t.tok
nsp-pair --max-seq-len 32 --dupe-factor 2 --seed 1 t.tok | mask-gen -o m.tok
train --model bert-tiny --data m.tok -T 32 -B 16 --steps 60 --lr 2e-3 \
	--warmup 10 --out ck -q -j 1
train finetune --task span --checkpoint ck --tokenizer wp/vocab.txt \
	--train tr.jsonl --val va.jsonl -T 32 --lr 1e-3 --epochs 5 \
	--predict pred.jsonl -q -j 1 > em.jsonl
jq -e -s 'length == 5 and .[-1].val_em > 0.8 and
	all(.[]; .val_f1 >= .val_em)' em.jsonl >/dev/null
test "$(wc -l < pred.jsonl)" = 150
jq -e -s 'map(.em) | add / length > 0.8' pred.jsonl >/dev/null
