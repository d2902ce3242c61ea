# A stream cut short mid-record fails when the trainer reaches the cut.
. "$TESTS/cli/train/toy.bash"
toy_json 400 | tokcat --pack --vocab-size 64 --special eos=0 --no-compress -o d.tok
head -c 20000 d.tok | train --stream --model gpt-tiny -q --steps 1000 -T 32 -B 2
