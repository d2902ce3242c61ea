# A record that is not of the task's kind: file, record and byte offset.
. "$TESTS/cli/train/eval-lib.bash"
eval_setup
{ head -n 2 mc.jsonl; echo '{"context":"x","choices":["a","b"],"label":2}'; } > bad.jsonl
train eval -c ck --task bad.jsonl -t small.tiktoken
