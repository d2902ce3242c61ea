# Encoders under mpirun: BERT (MLM + NSP from mask-gen's records) and
# ALBERT with shared layers and in-process dynamic masking (SOP), each with
# 2 micro-batches per step shared by 2 ranks, log the same losses, accuracies
# and gradient norms as one process; so does a run resumed under mpirun.
. "$TESTS/mpi/train/mpi.bash"
enc_seq 200 s.tok
nsp-pair --max-seq-len 32 --seed 1 s.tok -o p.tok
mask-gen --seed 1 p.tok -o m.tok
keys='["step","loss","mlm_loss","nsp_loss","nsp_acc","grad_norm","epoch","val_loss","val_nsp_acc"]'
opts="--model bert-tiny --data m.tok -T 32 -B 8 --accum 2 --steps 16 --lr 2e-3 --warmup 4 --eval-every 5 --eval-batches 3 -q -j 1"
train $opts --log one.jsonl
mpi 2 train $opts --log two.jsonl --out ck --save-every 8
same_losses one.jsonl two.jsonl "$keys"
test "$(wc -l < two.jsonl)" = 16
echo step-00000008.ckpt > ck/latest
head -n 8 two.jsonl > resumed.jsonl
mpi 2 train $opts --log resumed.jsonl --resume ck
same_losses one.jsonl resumed.jsonl "$keys"

sop-pair --max-seq-len 24 --seed 1 s.tok -o sop.tok
keys='["step","loss","mlm_loss","sop_loss","sop_acc","grad_norm","val_loss","val_sop_acc"]'
opts="--model albert-tiny --share all --dynamic-mask --data sop.tok -T 24 -B 4 --accum 4 --steps 12 --lr 2e-3 --eval-every 4 --eval-batches 3 -q -j 1"
train $opts --log one-a.jsonl
mpi 2 train $opts --log two-a.jsonl
same_losses one-a.jsonl two-a.jsonl "$keys"
