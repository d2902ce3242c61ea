# BERT's NSP head needs pair records: seq records are refused (exit 1).
. "$TESTS/cli/train/enc.bash"
enc_seq 20 s.tok
train --model bert-tiny --data s.tok -T 32 --steps 1 -q -j 1
