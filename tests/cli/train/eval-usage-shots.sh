# More shots than the task has other examples.
. "$TESTS/cli/train/eval-lib.bash"
eval_setup
train eval -c ck --task mc.jsonl -t small.tiktoken --shots 5
