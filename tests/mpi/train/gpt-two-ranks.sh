# Two ranks each take half of a step's micro-batches and sum gradients: the
# losses, gradient norms and validation losses of every step match one
# process with the same options; rank 0 alone writes the log and the
# checkpoint, and the weights it saves equal the single process's.
. "$TESTS/mpi/train/mpi.bash"
toy_tok 300 d.tok
small_model m.json
opts="--data d.tok --model m.json -T 16 -B 4 --batch-tokens 256 --lr 1e-2 --warmup 3 --steps 20 --eval-every 5 -q -j 1"
train $opts --log one.jsonl --out one
mpi 2 train $opts --log two.jsonl --out two
same_losses one.jsonl two.jsonl '["step","loss","grad_norm","val_loss","lr","tokens"]'
test "$(wc -l < two.jsonl)" = 20
# The loss went down, so the comparison compared a run that learned.
jq -s '.[0].loss > .[19].loss + 0.5' two.jsonl | grep -qx true
test "$(ls two)" = "latest
step-00000020.ckpt"
# Greedy samples from the two checkpoints agree.
test "$(train sample -c one --temperature 0 -n 24 -p 5)" = \
    "$(train sample -c two --temperature 0 -n 24 -p 5)"
# Resumed under mpirun from its step-10 checkpoint: the same steps 11..20.
mpi 2 train $opts --out part --save-every 10 --log part.jsonl
echo step-00000010.ckpt > part/latest
head -n 10 part.jsonl > resumed.jsonl
mpi 2 train $opts --resume part --log resumed.jsonl
same_losses one.jsonl resumed.jsonl '["step","loss","grad_norm","val_loss"]'
