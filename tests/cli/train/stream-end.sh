# A stream shorter than --steps ends the run early, said on stderr.
. "$TESTS/cli/train/toy.bash"
toy_tok 5 d.tok
small_model m.json
train --stream --model m.json -T 16 -B 2 --steps 1000 -j 1 --log log.jsonl < d.tok 2>err
grep -c '"step"' log.jsonl
grep 'ended' err
