# Sampling options: two samples of 20 tokens after a 2-token prompt.
. "$TESTS/cli/train/toy.bash"
toy_tok 40 d.tok
small_model m.json
train --data d.tok --model m.json -T 16 -B 2 --steps 2 -q -j 1 -j 1 --out ck
train sample --checkpoint ck/step-00000002.ckpt -p 0,5 -n 20 -s 2 --top-k 5 -j 1 |
	jq -e -s 'length == 2 and all(.tokens | length == 22 and all(. >= 0 and . < 64))' >/dev/null
