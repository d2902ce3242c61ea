#!/usr/bin/python3
"""Time a PyTorch training step of the same GPT-2 that bench/train/step.c
times: forward, backward and AdamW, float32, attention written out by hand
(Debian's torch 1.13 has no fused attention).

usage: torch_step.py L C H V T B [steps] [threads]   -> one JSON line
"""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(s, C, H):
        super().__init__()
        s.H = H
        s.ln1, s.ln2 = nn.LayerNorm(C), nn.LayerNorm(C)
        s.qkv, s.proj = nn.Linear(C, 3 * C), nn.Linear(C, C)
        s.fc, s.fcproj = nn.Linear(C, 4 * C), nn.Linear(4 * C, C)

    def attn(s, x):
        B, T, C = x.shape
        q, k, v = s.qkv(x).split(C, dim=2)
        hs = C // s.H
        q, k, v = (t.view(B, T, s.H, hs).transpose(1, 2) for t in (q, k, v))
        a = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))
        a = a.masked_fill(s.mask[:T, :T], float("-inf")).softmax(dim=-1)
        return s.proj((a @ v).transpose(1, 2).contiguous().view(B, T, C))

    def forward(s, x):
        x = x + s.attn(s.ln1(x))
        return x + s.fcproj(F.gelu(s.fc(s.ln2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(s, L, C, H, V, T):
        super().__init__()
        s.wte, s.wpe = nn.Embedding(V, C), nn.Embedding(T, C)
        s.blocks = nn.ModuleList(Block(C, H) for _ in range(L))
        mask = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
        for b in s.blocks:
            b.mask = mask
        s.lnf = nn.LayerNorm(C)

    def forward(s, idx, tgt):
        T = idx.shape[1]
        x = s.wte(idx) + s.wpe(torch.arange(T))
        for b in s.blocks:
            x = b(x)
        logits = s.lnf(x) @ s.wte.weight.t()
        return F.cross_entropy(logits.view(-1, logits.size(-1)), tgt.view(-1))


def main():
    L, C, H, V, T, B = (int(a) for a in sys.argv[1:7])
    steps = int(sys.argv[7]) if len(sys.argv) > 7 else 10
    if len(sys.argv) > 8:
        torch.set_num_threads(int(sys.argv[8]))
    torch.manual_seed(0)
    m = GPT(L, C, H, V, T)
    opt = torch.optim.AdamW(m.parameters(), lr=1e-4, betas=(0.9, 0.95),
                            weight_decay=0.1)
    idx = torch.randint(0, V, (B, T))
    tgt = torch.randint(0, V, (B, T))
    times = []
    for s in range(steps + 2):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        m(idx, tgt).backward()
        opt.step()
        if s >= 2:
            times.append(time.perf_counter() - t0)
    mean = sum(times) / len(times)
    print(json.dumps({"impl": "torch", "threads": torch.get_num_threads(),
                      "L": L, "C": C, "V": V, "T": T, "B": B,
                      "ms_mean": round(mean * 1e3, 1),
                      "ms_best": round(min(times) * 1e3, 1)}))


if __name__ == "__main__":
    main()
