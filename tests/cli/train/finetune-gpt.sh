# GPT fine-tuning (GPT paper, 3.2): a tiny GPT pre-trained on two toy books
# with a byte BPE learns which book a passage comes from (majority class
# 0.6) and whether two passages, joined by the delimiter token, come from
# the same book; the log carries the classification and auxiliary LM losses
# (L = L_cls + 0.5 L_LM), and a rerun gives the same numbers.
. "$TESTS/cli/train/finetune.bash"
ft_docs 400 7 > docs.jsonl
bpe-train --vocab-size 300 --special-tokens '<|endoftext|>' -o bpe docs.jsonl -q
tokenize --vocab bpe docs.jsonl -o t.tok
train --data t.tok --model gpt-tiny -T 64 -B 8 --steps 150 --lr 2e-3 \
	--warmup 10 --out ck -q -j 1
ft_docs 200 99 > tr.jsonl
ft_docs 100 123 > va.jsonl
opts="--checkpoint ck --tokenizer bpe -T 64 --lr 1e-3 -q -j 1"
train finetune $opts --train tr.jsonl --val va.jsonl --epochs 2 --log ft.jsonl > acc.jsonl
jq -e -s 'length == 2 and .[-1].val_acc > 0.9' acc.jsonl >/dev/null
jq -e -s '.[0] | has("cls_loss") and has("lm_loss") and
	((.loss - .cls_loss - 0.5 * .lm_loss) | fabs < 1e-4) and .lm_loss > 0' ft.jsonl >/dev/null
train finetune $opts --train tr.jsonl --val va.jsonl --epochs 2 > again.jsonl
cmp acc.jsonl again.jsonl
pairs() {
	ft_docs "$1" "$2" | jq -s -c '. as $d | range(0; length - 1; 2) |
	    {text_a: ($d[.].text | .[0:60]), text_b: ($d[. + 1].text | .[0:60]),
	     label: (if $d[.].label == $d[. + 1].label then 1 else 0 end)}'
}
pairs 800 5 > ptr.jsonl
pairs 200 77 > pva.jsonl
train finetune $opts --train ptr.jsonl --val pva.jsonl --epochs 4 > pacc.jsonl
jq -e -s '.[-1].val_acc > 0.85' pacc.jsonl >/dev/null
