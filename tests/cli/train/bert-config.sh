# An encoder from a JSON config: a preset with fields changed (ALBERT with
# three layers sharing only the feed-forward block and 32-wide embeddings;
# BERT made wider keeps unfactorised embeddings).  The run prints the config
# it built and trains; an unknown field is a usage error.
. "$TESTS/cli/train/enc.bash"
enc_seq 60 s.tok
sop-pair --max-seq-len 24 --seed 1 s.tok -o p.tok
printf '{"preset":"albert-tiny","n_layer":3,"share":"ffn","n_emb":32,"init_std":0.03}\n' > a.json
train --model a.json --data p.tok -T 24 -B 4 --steps 3 --log a.jsonl -j 1 2> a.err
grep -q '"n_layer":3,.*"n_emb":32,.*"share":"ffn","head":"sop","init_std":0.03' a.err
test "$(wc -l < a.jsonl)" = 3
jq -e -s 'all(.[]; has("sop_loss"))' a.jsonl > /dev/null
nsp-pair --max-seq-len 24 --seed 1 s.tok | mask-gen -o m.tok
printf '{"preset":"bert-tiny","n_embd":64,"n_head":4,"n_mlp":128}\n' > b.json
train --model b.json --data m.tok -T 24 -B 4 --steps 2 -j 1 2> b.err
grep -q '"n_embd":64,"n_mlp":128,"n_emb":64' b.err
printf '{"preset":"bert-tiny","n_layers":3}\n' > c.json
if train --model c.json --data m.tok --steps 1 2> c.err; then exit 1; fi
grep -qx 'train: c.json: unknown field "n_layers"' c.err
# --batch-tokens B*T*k is --accum k.
train --model b.json --data m.tok -T 24 -B 4 --steps 3 -q -j 1 --accum 2 --log acc.jsonl
train --model b.json --data m.tok -T 24 -B 4 --steps 3 -q -j 1 --batch-tokens 192 --log bt.jsonl
cmp <(jq -c 'del(.ms_per_step)' acc.jsonl) <(jq -c 'del(.ms_per_step)' bt.jsonl)
