# GPT-3 attention: a small model whose second layer is locally banded
# (window 8) learns the toy language as the dense one does (each token
# depends on the two before it), the checkpoint keeps the window, and
# --local-window on the command line overrides a preset's.
. "$TESTS/cli/train/toy.bash"
toy_tok 400 d.tok
printf '{"preset":"gpt3-tiny","n_layer":2,"n_embd":64,"n_head":2,"n_ctx":32}\n' > m.json
train --data d.tok --model m.json --local-window 8 -T 32 -B 8 --steps 80 \
	--lr 1e-2 --eval-every 20 --eval-batches 4 --log log.jsonl -q -j 1 --out ck
jq -e -s '(.[0].val_loss > 3.6) and (.[-1].val_loss < 2.0) and
	(length == 80)' log.jsonl >/dev/null
grep -a -q '"local_window":8,"local_every":2' ck/step-00000080.ckpt
train sample --checkpoint ck --prompt-tokens "0 5" -n 2 --temperature 0 -j 1
