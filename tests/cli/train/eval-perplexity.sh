# Perplexity on a text task: exp of the mean loss over the scored tokens;
# a text the model was trained on scores better than shuffled words.
. "$TESTS/cli/train/eval-lib.bash"
eval_setup
sed -n '20,60p' "$TESTS/data/bpe/train.txt" | jq -R -c '{text: .}' |
	jq -s -c '.[] | select(.text | length > 3)' > t.jsonl
sed -n '20,60p' "$TESTS/data/bpe/train.txt" | tr ' ' '\n' | sort |
	tr '\n' ' ' | jq -R -c '{text: .}' > s.jsonl
train eval -c ck --task t.jsonl -t small.tiktoken -j 1 > t.json
train eval -c ck --task t.jsonl -t small.tiktoken -j 2 | cmp - t.json
train eval -c ck --task s.jsonl -t small.tiktoken > s.json
jq -e '(.perplexity - (.loss | exp) | fabs) < 0.01 * .perplexity and
	.tokens > 100' t.json > /dev/null
jq -e -s '.[0].loss < .[1].loss' t.json s.json > /dev/null
