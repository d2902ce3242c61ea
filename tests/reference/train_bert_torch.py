"""train_bert_torch.py - the encoders of lib/nn/bert.h written in PyTorch
from the papers (BERT post-LN layers, MLM head tied to the token embeddings
with loss only at labelled positions, pooler + NSP/SOP classifier on the
first token, ALBERT's factorised embeddings and cross-layer sharing),
checked against what train_bert_ref dumped: the MLM and NSP/SOP losses,
every parameter gradient (sharing: summed over the layers that use a
tensor, which autograd does by itself), and 8 AdamW steps with clipping.

usage: train_bert_torch.py DIR   (exit 1 on mismatch)
"""
import json
import math
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
d = sys.argv[1]
c = json.load(open(f"{d}/config.json"))
V, E, H, FF, L = c["vocab_size"], c["n_emb"], c["n_embd"], c["n_mlp"], c["n_layer"]
NH, NCTX, NT = c["n_head"], c["n_ctx"], c["n_types"]
share, head = c["share"], c["head"]
NA = 1 if share in ("attention", "all") else L
NF = 1 if share in ("ffn", "all") else L
HD = 1 if head != "none" else 0
B, T, STEPS = 3, 12, 8

shapes = [
    ("wte", (V, E)), ("wpe", (NCTX, E)), ("wtt", (NT, E)), ("lnew", (E,)),
    ("lneb", (E,)), ("projw", (H, E) if E != H else (0,)),
    ("projb", (H,) if E != H else (0,)),
    ("qkvw", (NA, 3 * H, H)), ("qkvb", (NA, 3 * H)), ("aow", (NA, H, H)),
    ("aob", (NA, H)), ("ln1w", (NA, H)), ("ln1b", (NA, H)),
    ("fcw", (NF, FF, H)), ("fcb", (NF, FF)), ("fc2w", (NF, H, FF)),
    ("fc2b", (NF, H)), ("ln2w", (NF, H)), ("ln2b", (NF, H)),
    ("mlmw", (E, H)), ("mlmb", (E,)), ("mlmlnw", (E,)), ("mlmlnb", (E,)),
    ("mlmob", (V,)), ("poolw", (HD * H, H)), ("poolb", (HD * H,)),
    ("clsw", (HD * 2, H)), ("clsb", (HD * 2,)),
]
flat = np.fromfile(f"{d}/params.bin", dtype=np.float32).astype(np.float64)
P, off = {}, 0
for name, shp in shapes:
    n = int(np.prod(shp))
    P[name] = torch.tensor(flat[off:off + n].reshape(shp), requires_grad=True)
    off += n
assert off == flat.size, (off, flat.size)
tok = np.fromfile(f"{d}/tok.bin", dtype=np.int32).reshape(STEPS, B, T)
seg = np.fromfile(f"{d}/seg.bin", dtype=np.uint8).reshape(STEPS, B, T)
ln_ = np.fromfile(f"{d}/len.bin", dtype=np.int32).reshape(STEPS, B)
lab = np.fromfile(f"{d}/lab.bin", dtype=np.int32).reshape(STEPS, B, T)
cls = np.fromfile(f"{d}/cls.bin", dtype=np.int32).reshape(STEPS, B)


def gelu(x):
    return F.gelu(x, approximate="tanh")


def forward(s):
    x = torch.tensor(tok[s], dtype=torch.long)
    sg = torch.tensor(seg[s], dtype=torch.long)
    pos = torch.arange(T)
    e = P["wte"][x] + P["wpe"][pos][None] + P["wtt"][sg]
    h = F.layer_norm(e, (E,), P["lnew"], P["lneb"], 1e-5)
    if E != H:
        h = h @ P["projw"].T + P["projb"]
    keymask = torch.arange(T)[None, :] < torch.tensor(ln_[s])[:, None]
    bias = torch.where(keymask, 0.0, -math.inf)[:, None, None, :]
    hs = H // NH
    for l in range(L):
        a, f = (0 if NA == 1 else l), (0 if NF == 1 else l)
        qkv = h @ P["qkvw"][a].T + P["qkvb"][a]
        q, k, v = qkv.split(H, dim=-1)
        q = q.view(B, T, NH, hs).transpose(1, 2)
        k = k.view(B, T, NH, hs).transpose(1, 2)
        v = v.view(B, T, NH, hs).transpose(1, 2)
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hs) + bias, -1)
        y = (att @ v).transpose(1, 2).reshape(B, T, H)
        h1 = F.layer_norm(h + y @ P["aow"][a].T + P["aob"][a], (H,),
                          P["ln1w"][a], P["ln1b"][a], 1e-5)
        m = gelu(h1 @ P["fcw"][f].T + P["fcb"][f]) @ P["fc2w"][f].T + P["fc2b"][f]
        h = F.layer_norm(h1 + m, (H,), P["ln2w"][f], P["ln2b"][f], 1e-5)
    y = torch.tensor(lab[s], dtype=torch.long)
    valid = (y >= 0) & (torch.arange(T)[None, :] < torch.tensor(ln_[s])[:, None])
    hm = h[valid]
    u = F.layer_norm(gelu(hm @ P["mlmw"].T + P["mlmb"]), (E,), P["mlmlnw"],
                     P["mlmlnb"], 1e-5)
    logits = u @ P["wte"].T + P["mlmob"]
    mlm = F.cross_entropy(logits, y[valid])
    if HD:
        p = torch.tanh(h[:, 0] @ P["poolw"].T + P["poolb"])
        cl = F.cross_entropy(p @ P["clsw"].T + P["clsb"],
                             torch.tensor(cls[s], dtype=torch.long))
    else:
        cl = torch.zeros(())
    return mlm, cl


bad = 0
what = f"{head} share={share} E={E}"
mlm, cl = forward(0)
l0 = np.fromfile(f"{d}/loss0.bin", dtype=np.float32)
for nm, a, b in (("mlm", l0[0], mlm.item()), ("cls", l0[1], cl.item())):
    if HD == 0 and nm == "cls":
        continue
    if abs(a - b) > 1e-5 * max(1, abs(b)):
        print(f"{what}: {nm} loss {a} != torch {b}")
        bad = 1
(mlm + cl).backward()
g = np.fromfile(f"{d}/grads.bin", dtype=np.float32)
off = 0
for name, shp in shapes:
    n = int(np.prod(shp))
    if n:
        ours = g[off:off + n].reshape(shp)
        ref = P[name].grad.numpy()
        err = np.abs(ours - ref).max()
        tol = 1e-4 * max(np.abs(ref).max(), 1e-3) + 1e-7
        if err > tol:
            print(f"{what}: grad {name}: max error {err:.3g} > {tol:.3g}")
            bad = 1
    off += n
# 8 AdamW steps with clipping; decay on the matrices and embeddings only.
for p in P.values():
    p.grad = None
mats = {"wte", "wpe", "wtt", "projw", "qkvw", "aow", "fcw", "fc2w", "mlmw",
        "poolw", "clsw"}
groups = [
    {"params": [P[n] for n, _ in shapes if n in mats and P[n].numel()],
     "weight_decay": 0.01},
    {"params": [P[n] for n, _ in shapes if n not in mats and P[n].numel()],
     "weight_decay": 0.0},
]
opt = torch.optim.AdamW(groups, lr=1e-2, betas=(0.9, 0.999), eps=1e-8)
ours = np.fromfile(f"{d}/losses.bin", dtype=np.float32).reshape(STEPS, 2)
for s in range(STEPS):
    mlm, cl = forward(s)
    for nm, a, b in (("mlm", ours[s][0], mlm.item()), ("cls", ours[s][1], cl.item())):
        if HD == 0 and nm == "cls":
            continue
        if abs(a - b) > 2e-4 * max(1, abs(b)):
            print(f"{what}: step {s + 1} {nm} loss {a} != torch {b}")
            bad = 1
    opt.zero_grad()
    (mlm + cl).backward()
    torch.nn.utils.clip_grad_norm_([p for p in P.values() if p.numel()], 1.0)
    opt.step()
print(f"{what}: {'MISMATCH' if bad else 'ok'} (losses, {len(shapes)} gradients, {STEPS} AdamW steps)")
sys.exit(bad)
