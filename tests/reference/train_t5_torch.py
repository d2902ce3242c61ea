#!/usr/bin/python3
"""Check lib/nn/t5.c against a PyTorch T5 (HuggingFace's T5 v1.0 layout).

usage: train_t5_torch.py DIR   (DIR holds what train_t5_ref wrote)

Same weights and batch: the loss and every parameter gradient (autograd)
must agree within 1e-4 relative (per tensor: max |ptk - torch| / max
|torch|).  The relative position buckets are HuggingFace's
T5Attention._relative_position_bucket.  Exits 1 on any mismatch.
"""
import json
import math
import sys

import numpy as np
import torch
import torch.nn.functional as F

TOL = 1e-4
NAMES = ["wte", "erel", "drel", "e_ln1", "e_qkv", "e_o", "e_ln2", "e_wi",
         "e_wo", "e_lnf", "d_ln1", "d_qkv", "d_o", "d_ln2", "d_cq", "d_ckv",
         "d_co", "d_ln3", "d_wi", "d_wo", "d_lnf"]


def shapes(c):
    L, C, F_, V = c["n_layer"], c["n_embd"], c["n_mlp"], c["vocab_size"]
    NB, NH = c["n_buckets"], c["n_head"]
    return {"wte": (V, C), "erel": (NB, NH), "drel": (NB, NH),
            "e_ln1": (L, C), "e_qkv": (L, 3 * C, C), "e_o": (L, C, C),
            "e_ln2": (L, C), "e_wi": (L, F_, C), "e_wo": (L, C, F_),
            "e_lnf": (C,), "d_ln1": (L, C), "d_qkv": (L, 3 * C, C),
            "d_o": (L, C, C), "d_ln2": (L, C), "d_cq": (L, C, C),
            "d_ckv": (L, 2 * C, C), "d_co": (L, C, C), "d_ln3": (L, C),
            "d_wi": (L, F_, C), "d_wo": (L, C, F_), "d_lnf": (C,)}


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


def bucket(rel, bidirectional, num_buckets, max_distance):
    ret = 0
    if bidirectional:
        num_buckets //= 2
        ret += (rel > 0).to(torch.long) * num_buckets
        n = torch.abs(rel)
    else:
        n = -torch.min(rel, torch.zeros_like(rel))
    max_exact = num_buckets // 2
    is_small = n < max_exact
    large = max_exact + (torch.log(n.float() / max_exact) /
                         math.log(max_distance / max_exact) *
                         (num_buckets - max_exact)).to(torch.long)
    large = torch.min(large, torch.full_like(large, num_buckets - 1))
    return ret + torch.where(is_small, n, large)


def rel_bias(table, Tq, Tk, bidirectional, c):
    q = torch.arange(Tq)[:, None]
    k = torch.arange(Tk)[None, :]
    b = bucket(k - q, bidirectional, c["n_buckets"], c["max_distance"])
    return table[b].permute(2, 0, 1)  # (NH, Tq, Tk)


def rms(x, w):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * w


def attention(q, k, v, NH, bias, mask):
    B, Tq, C = q.shape
    Tk = k.shape[1]
    hs = C // NH
    q = q.view(B, Tq, NH, hs).transpose(1, 2)
    k = k.view(B, Tk, NH, hs).transpose(1, 2)
    v = v.view(B, Tk, NH, hs).transpose(1, 2)
    s = q @ k.transpose(-2, -1)  # T5: no 1/sqrt(d)
    if bias is not None:
        s = s + bias[None]
    s = s.masked_fill(~mask, float("-inf"))
    return (torch.softmax(s, dim=-1) @ v).transpose(1, 2).reshape(B, Tq, C)


def forward(P, c, src, dec, tgt, slen):
    C, NH, L = c["n_embd"], c["n_head"], c["n_layer"]
    B, S = src.shape
    T = dec.shape[1]
    keys = torch.arange(S)[None, :] < torch.tensor(slen)[:, None]  # (B,S)
    emask = keys[:, None, None, :]
    causal = torch.tril(torch.ones(T, T, dtype=torch.bool))[None, None]
    x = P["wte"][src]
    eb = rel_bias(P["erel"], S, S, True, c)
    for l in range(L):
        h = rms(x, P["e_ln1"][l])
        q, k, v = (h @ P["e_qkv"][l].t()).split(C, dim=2)
        x = x + attention(q, k, v, NH, eb, emask) @ P["e_o"][l].t()
        h = rms(x, P["e_ln2"][l])
        x = x + F.relu(h @ P["e_wi"][l].t()) @ P["e_wo"][l].t()
    enc = rms(x, P["e_lnf"])
    y = P["wte"][dec]
    db = rel_bias(P["drel"], T, T, False, c)
    for l in range(L):
        h = rms(y, P["d_ln1"][l])
        q, k, v = (h @ P["d_qkv"][l].t()).split(C, dim=2)
        y = y + attention(q, k, v, NH, db, causal) @ P["d_o"][l].t()
        h = rms(y, P["d_ln2"][l])
        q = h @ P["d_cq"][l].t()
        k, v = (enc @ P["d_ckv"][l].t()).split(C, dim=2)
        y = y + attention(q, k, v, NH, None, emask) @ P["d_co"][l].t()
        h = rms(y, P["d_ln3"][l])
        y = y + F.relu(h @ P["d_wi"][l].t()) @ P["d_wo"][l].t()
    out = rms(y, P["d_lnf"]) * C ** -0.5
    logits = out @ P["wte"].t()
    return F.cross_entropy(logits.view(-1, logits.shape[-1]), tgt.view(-1),
                           ignore_index=-1)


def rel(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-30))


def main():
    d = sys.argv[1]
    c = json.load(open(d + "/config.json"))
    B, S, T = c["B"], c["S"], c["T"]
    P = {k: torch.tensor(v, requires_grad=True) for k, v in
         load_slab(d + "/params.bin", c).items()}
    g = load_slab(d + "/grads.bin", c)
    src = torch.from_numpy(np.fromfile(d + "/src.bin", "<i4").astype(np.int64)).view(B, S)
    dec = torch.from_numpy(np.fromfile(d + "/dec.bin", "<i4").astype(np.int64)).view(B, T)
    tgt = torch.from_numpy(np.fromfile(d + "/tgt.bin", "<i4").astype(np.int64)).view(B, T)
    loss_ptk = float(np.fromfile(d + "/loss.bin", "<f4")[0])
    loss = forward(P, c, src, dec, tgt, c["slen"])
    loss.backward()
    bad = 0
    err = abs(loss_ptk - loss.item()) / abs(loss.item())
    ok = err <= TOL
    bad += not ok
    print("%-4s loss           ptk %.6f torch %.6f rel err %.1e"
          % ("ok" if ok else "FAIL", loss_ptk, loss.item(), err))
    for n in NAMES:
        err = rel(g[n], P[n].grad.numpy())
        ok = err <= TOL
        bad += not ok
        print("%-4s grad %-8s max rel err %.2e (tol %.0e)"
              % ("ok" if ok else "FAIL", n, err, TOL))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
