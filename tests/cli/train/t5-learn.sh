# A tiny T5 on span-corruption records of the toy language: the validation
# loss on the targets falls clearly within 120 steps, and the run is the
# same for any thread count.
. "$TESTS/cli/train/toy.bash"
toy_tok 300 d.tok
mask-gen --span --seed 3 d.tok -o s.tok
train --model t5-tiny --data s.tok --steps 120 -B 8 --lr 3e-3 \
	--eval-every 40 --log log.jsonl -j 1
jq -e -s '(.[0].val_loss > 3.8) and (.[-1].val_loss < 0.8 * .[0].val_loss)
	and (map(select(.val_loss)) | length == 4) and (length == 120)' \
	log.jsonl > /dev/null
train --model t5-tiny --data s.tok --steps 10 -B 8 --lr 3e-3 --log a.jsonl -j 1
train --model t5-tiny --data s.tok --steps 10 -B 8 --lr 3e-3 --log b.jsonl -j 2
cmp a.jsonl b.jsonl
