# A train built without MPI, started by mpirun as one of several ranks,
# refuses rather than train the same model N times over into the same files.
OMPI_COMM_WORLD_SIZE=2 train --data nothing --model gpt-tiny --steps 1
