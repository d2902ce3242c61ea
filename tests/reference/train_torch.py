#!/usr/bin/python3
"""Check lib/nn against PyTorch (float32, attention written out by hand).

usage: train_torch.py DIR   (DIR holds what train_ref wrote)

Same weights and batch: logits, loss and every parameter gradient must
agree within 1e-4 relative (per tensor: max |ptk - torch| / max |torch|),
and the losses of 10 AdamW steps with gradient clipping within 1e-4
relative.  Prints one line per quantity; exits 1 on any mismatch.
"""
import json
import math
import sys

import numpy as np
import torch
import torch.nn.functional as F

TOL = 1e-4
NAMES = ["wte", "wpe", "ln1w", "ln1b", "qkvw", "qkvb", "attprojw", "attprojb",
         "ln2w", "ln2b", "fcw", "fcb", "fcprojw", "fcprojb", "lnfw", "lnfb"]
DECAYED = {"wte", "wpe", "qkvw", "attprojw", "fcw", "fcprojw"}


def shapes(c):
    L, C, F_, V, N = c["n_layer"], c["n_embd"], c["n_mlp"], c["vocab_size"], c["n_ctx"]
    return {"wte": (V, C), "wpe": (N, C), "ln1w": (L, C), "ln1b": (L, C),
            "qkvw": (L, 3 * C, C), "qkvb": (L, 3 * C), "attprojw": (L, C, C),
            "attprojb": (L, C), "ln2w": (L, C), "ln2b": (L, C),
            "fcw": (L, F_, C), "fcb": (L, F_), "fcprojw": (L, C, F_),
            "fcprojb": (L, C), "lnfw": (C,), "lnfb": (C,)}


def load_slab(path, c):
    flat = np.fromfile(path, dtype="<f4")
    out, off = {}, 0
    for n in NAMES:
        shp = shapes(c)[n]
        k = int(np.prod(shp))
        out[n] = flat[off:off + k].reshape(shp)
        off += k
    assert off == flat.size, "slab size mismatch"
    return out


def attention(qkv, n_head):
    B, T, C3 = qkv.shape
    C = C3 // 3
    q, k, v = qkv.split(C, dim=2)
    hs = C // n_head
    q = q.view(B, T, n_head, hs).transpose(1, 2)
    k = k.view(B, T, n_head, hs).transpose(1, 2)
    v = v.view(B, T, n_head, hs).transpose(1, 2)
    att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))
    mask = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
    att = att.masked_fill(mask, float("-inf"))
    att = torch.softmax(att, dim=-1)
    return (att @ v).transpose(1, 2).contiguous().view(B, T, C)


def gelu(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def forward(P, c, idx):
    B, T = idx.shape
    C = c["n_embd"]
    ln = lambda x, w, b: F.layer_norm(x, (C,), w, b, eps=1e-5)
    lin = lambda x, w, b: x @ w.t() + b
    x = P["wte"][idx] + P["wpe"][:T]
    for l in range(c["n_layer"]):
        if not c["post_ln"]:
            h = ln(x, P["ln1w"][l], P["ln1b"][l])
            a = attention(lin(h, P["qkvw"][l], P["qkvb"][l]), c["n_head"])
            x = x + lin(a, P["attprojw"][l], P["attprojb"][l])
            h = ln(x, P["ln2w"][l], P["ln2b"][l])
            f = gelu(lin(h, P["fcw"][l], P["fcb"][l]))
            x = x + lin(f, P["fcprojw"][l], P["fcprojb"][l])
        else:
            a = attention(lin(x, P["qkvw"][l], P["qkvb"][l]), c["n_head"])
            x = ln(x + lin(a, P["attprojw"][l], P["attprojb"][l]),
                   P["ln1w"][l], P["ln1b"][l])
            f = gelu(lin(x, P["fcw"][l], P["fcb"][l]))
            x = ln(x + lin(f, P["fcprojw"][l], P["fcprojb"][l]),
                   P["ln2w"][l], P["ln2b"][l])
    if c["final_ln"]:
        x = ln(x, P["lnfw"], P["lnfb"])
    return x @ P["wte"].t()


def rel(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-30))


def main():
    d = sys.argv[1]
    c = json.load(open(d + "/config.json"))
    V = c["vocab_size"]
    p0 = load_slab(d + "/params.bin", c)
    g_ptk = load_slab(d + "/grads.bin", c)
    losses_ptk = np.fromfile(d + "/losses.bin", dtype="<f4")
    steps = losses_ptk.size
    inp = np.fromfile(d + "/inputs.bin", dtype="<i4").reshape(steps, -1)
    tgt = np.fromfile(d + "/targets.bin", dtype="<i4").reshape(steps, -1)
    T = 32
    B = inp.shape[1] // T
    inp = torch.from_numpy(inp.astype(np.int64)).view(steps, B, T)
    tgt = torch.from_numpy(tgt.astype(np.int64)).view(steps, B, T)
    bad = 0
    variant = "post-LN (GPT)" if c["post_ln"] else "pre-LN (GPT-2)"

    def report(what, err, tol=TOL):
        nonlocal bad
        ok = err <= tol
        bad += not ok
        print("%-4s %-16s %-14s max rel err %.2e (tol %.0e)"
              % ("ok" if ok else "FAIL", variant, what, err, tol))

    P = {n: torch.tensor(p0[n], requires_grad=True) for n in NAMES}
    logits = forward(P, c, inp[0])
    loss = F.cross_entropy(logits.view(-1, V), tgt[0].reshape(-1))
    loss.backward()
    lg_ptk = np.fromfile(d + "/logits.bin", dtype="<f4").reshape(logits.shape)
    report("logits", rel(lg_ptk, logits.detach().numpy()))
    report("loss", rel(np.fromfile(d + "/loss.bin", dtype="<f4"), [loss.item()]))
    for n in NAMES:
        if not c["final_ln"] and n in ("lnfw", "lnfb"):
            continue
        report("grad " + n, rel(g_ptk[n], P[n].grad.numpy()))

    # 10 AdamW steps, clip 1.0, lr 1e-3, decay on matrices and embeddings.
    P = {n: torch.tensor(p0[n], requires_grad=True) for n in NAMES}
    opt = torch.optim.AdamW(
        [{"params": [P[n] for n in NAMES if n in DECAYED], "weight_decay": 0.1},
         {"params": [P[n] for n in NAMES if n not in DECAYED], "weight_decay": 0.0}],
        lr=1e-3, betas=(0.9, 0.95), eps=1e-8)
    losses = []
    for s in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(forward(P, c, inp[s]).view(-1, V), tgt[s].reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(list(P.values()), 1.0)
        opt.step()
        losses.append(loss.item())
    for s in range(steps):
        report("loss step %d" % (s + 1), rel([losses_ptk[s]], [losses[s]]))
    print("losses ptk:   " + " ".join("%.6f" % x for x in losses_ptk))
    print("losses torch: " + " ".join("%.6f" % x for x in losses))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
