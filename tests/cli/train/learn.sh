# A small GPT on the toy language: the validation loss falls from about
# ln 64 = 4.16 to below 2.0 within 80 steps, and greedy sampling then
# completes a sentence (5 -> 3*5 mod 63 + 1 = 16 -> 7*5 mod 63 + 1 = 36).
. "$TESTS/cli/train/toy.bash"
toy_tok 400 d.tok
printf '{"preset":"gpt-tiny","n_layer":2,"n_embd":64,"n_head":2,"n_ctx":32}\n' > m.json
train --data d.tok --model m.json -T 32 -B 8 --steps 80 --lr 1e-2 \
	--eval-every 20 --eval-batches 4 --log log.jsonl -q -j 1 --out ck
jq -e -s '(.[0].val_loss > 3.6) and (.[-1].val_loss < 2.0) and
	(map(select(.val_loss)) | length == 5) and (length == 80)' log.jsonl >/dev/null
train sample --checkpoint ck --prompt-tokens "0 5" -n 2 --temperature 0 -j 1
