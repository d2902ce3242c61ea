# mpi.bash - sourced by the mpirun tests (make test-mpi): the train CLI
# tests' toy data, and mpirun set up for a test machine.
. "$TESTS/cli/train/toy.bash"
. "$TESTS/cli/train/enc.bash"

# CI runs as root, which OpenMPI refuses unless told; a machine with fewer
# cores than ranks needs --oversubscribe.  One thread per rank.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
mpi() {	# mpi N command...
	local n=$1
	shift
	mpirun -np "$n" --bind-to none "$@"
}

# same_losses A B KEYS: the logs A and B hold the same steps, and each of
# KEYS (a jq array of field names) agrees to within a relative 1e-4.
same_losses() {
	jq -s --slurpfile b "$2" --argjson keys "$3" '
		. as $a | ($a | length) == ($b | length) and
		([range(0; $a | length) as $i | $keys[] as $k |
		  ($a[$i][$k]) as $x | ($b[$i][$k]) as $y |
		  if $x == null and $y == null then true
		  elif $x == null or $y == null then false
		  else (($x - $y) | fabs) <= 1e-4 * ([($x | fabs), ($y | fabs), 1e-3] | max)
		  end] | all)' "$1" | grep -qx true
}
