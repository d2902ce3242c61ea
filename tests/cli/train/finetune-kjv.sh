# Fine-tuning on a labelled set made from the bundled corpus: which of two
# books a verse comes from, Genesis (0) or Matthew (1).  Every fifth chapter
# of the two is held out for validation (majority class 0.577) and left out
# of pre-training.  A tiny BERT pre-trained for 100 steps, then fine-tuned
# for 3 epochs, beats the majority class clearly.  (bench/finetune/run.sh
# runs the longer version, with GPT too.)  The sanitizer build runs it
# short, without the learning check.
corpus=$TESTS/../data/kjv.jsonl.zst
books='^kjv/(Ge|Mat)[0-9]+$'
zstd -dc "$corpus" | jq -c --arg b "$books" 'select((.id | test($b)) and
    ((.id | sub("kjv/(Ge|Mat)"; "") | tonumber) % 5 == 0) | not)' > pre.jsonl
zstd -dc "$corpus" | jq -c --arg b "$books" 'select(.id | test($b)) |
    (.id | test("Mat")) as $m | (.id | sub("kjv/(Ge|Mat)"; "") | tonumber) as $c |
    .text | split("\n")[] | select(length > 20) |
    {text: ., label: (if $m then 1 else 0 end), val: ($c % 5 == 0)}' > all.jsonl
jq -c 'select(.val | not) | del(.val)' all.jsonl | awk 'NR % 3 == 1' > tr.jsonl
jq -c 'select(.val) | del(.val)' all.jsonl | awk 'NR % 2 == 1' > va.jsonl
test "$(wc -l < va.jsonl)" = 248
steps=100 epochs=3
[ -n "${PTK_SANITIZED:-}" ] && steps=5 epochs=1
wordpiece-train --vocab-size 2000 -o wp -q pre.jsonl
tokenize --vocab wp/vocab.txt --sentences pre.jsonl -o t.zst
nsp-pair --max-seq-len 64 --seed 1 t.zst | mask-gen --seed 1 -o m.zst
train --model bert-tiny --data m.zst -T 64 -B 32 --steps $steps --lr 1e-3 \
	--warmup 20 --out ck -q -j 2
train finetune -c ck -t wp/vocab.txt --train tr.jsonl --val va.jsonl -T 64 \
	--lr 1e-3 --epochs $epochs -q -j 2 > acc.jsonl
[ -n "${PTK_SANITIZED:-}" ] && exit 0
jq -e -s 'length == 3 and .[-1].val_acc > 0.68' acc.jsonl >/dev/null
