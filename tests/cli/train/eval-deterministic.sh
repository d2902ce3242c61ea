# Same JSON for reruns and for any thread count, zero- and few-shot; the
# counts are consistent with the accuracies.
. "$TESTS/cli/train/eval-lib.bash"
eval_setup
for k in 0 2; do
	train eval -c ck --task mc.jsonl -t small.tiktoken -k $k -j 1 > a$k.json
	train eval -c ck --task mc.jsonl -t small.tiktoken -k $k -j 2 > b$k.json
	train eval -c ck/step-00000060.ckpt --task mc.jsonl -t small.tiktoken -k $k -j 2 > /dev/null
	cmp a$k.json b$k.json
	jq -e --argjson k $k '.examples == 5 and .shots == $k and
		.accuracy == .correct / 5 and .accuracy_norm == .correct_norm / 5' \
		a$k.json > /dev/null
done
# A separate training split for the shots, and another seed.
train eval -c ck --task mc.jsonl --train-task mc.jsonl -t small.tiktoken \
	-k 3 --seed 9 > c.json
train eval -c ck --task mc.jsonl --train-task mc.jsonl -t small.tiktoken \
	-k 3 --seed 9 -j 2 | cmp - c.json
jq -e '.shots == 3 and .seed == 9' c.json > /dev/null
