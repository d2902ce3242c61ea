. "$TESTS/cli/train/eval-lib.bash"
eval_setup
train eval -c ck --task no-such-task.jsonl -t small.tiktoken
