# A step's micro-batches must divide among the ranks; --stream is refused
# (mpirun gives standard input to rank 0 alone).
. "$TESTS/mpi/train/mpi.bash"
toy_tok 50 d.tok
mpi 2 train --data d.tok --model gpt-tiny -T 16 -B 4 --steps 2 -q 2>err1 && exit 1
grep -q "2 ranks share the 1 micro-batches of a step" err1
mpi 2 train --stream --model gpt-tiny -T 16 -B 4 --steps 2 -q d.tok 2>err2 && exit 1
grep -q "give the ranks --data" err2
