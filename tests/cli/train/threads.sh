# The same seed gives the same loss bits with 1 and 2 threads.
. "$TESTS/cli/train/toy.bash"
toy_tok 200 d.tok
printf '{"preset":"gpt-tiny","n_layer":2,"n_embd":64,"n_head":2,"n_ctx":64}\n' > m.json
train --data d.tok --model m.json -T 64 -B 4 --steps 4 -q -j 1 --log a.jsonl
train --data d.tok --model m.json -T 64 -B 4 --steps 4 -q -j 2 --log b.jsonl
jq -c '[.step, .loss, .grad_norm]' a.jsonl > a
jq -c '[.step, .loss, .grad_norm]' b.jsonl > b
cmp a b
