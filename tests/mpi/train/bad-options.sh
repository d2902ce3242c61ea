# GPT: a step's micro-batches must divide among the ranks; --stream is refused
# (mpirun gives standard input to rank 0 alone).
. "$TESTS/mpi/train/mpi.bash"
toy_tok 50 d.tok
mpi 2 train --data d.tok --model gpt-tiny -T 16 -B 4 --steps 2 -q 2>err1 && exit 1
grep -q "2 ranks share the 1 micro-batches of a step" err1
mpi 2 train --stream --model gpt-tiny -T 16 -B 4 --steps 2 -q d.tok 2>err2 && exit 1
grep -q "give the ranks --data" err2
# Encoders too: --accum must divide among the ranks, --stream is refused.
enc_seq 40 s.tok
nsp-pair --max-seq-len 24 --seed 1 s.tok | mask-gen -o m.tok
mpi 2 train --model bert-tiny --data m.tok -T 24 -B 4 --accum 3 --steps 1 -q 2>err3 && exit 1
grep -q "2 ranks share the 3 micro-batches of a step" err3
mpi 2 train --model bert-tiny --stream -T 24 -B 4 --steps 1 -q m.tok 2>err4 && exit 1
grep -q "give the ranks --data" err4
