#!/usr/bin/python3
"""Check nn_loglik / nn_text_nll (train eval) against PyTorch.

usage: train_eval_torch.py DIR   (DIR holds what train_eval_ref wrote)

Each continuation's log-likelihood is recomputed with the PyTorch GPT of
train_torch.py: the last n_ctx + 1 tokens of context + continuation, one
forward pass, log_softmax in float64, summed over the continuation; the
perplexity windows likewise.  Must agree within 1e-4 relative; exits 1
otherwise.
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_torch import forward, load_slab  # noqa: E402

TOL = 1e-4


def loglik(P, c, seq, ncont):
    W = c["n_ctx"]
    seq = seq[-(W + 1):]
    idx = torch.tensor(seq[:-1], dtype=torch.int64).view(1, -1)
    with torch.no_grad():
        lp = torch.log_softmax(forward(P, c, idx)[0].double(), dim=-1)
    T = len(seq) - 1
    return sum(float(lp[t, seq[t + 1]]) for t in range(T - ncont, T))


def main():
    d = sys.argv[1]
    c = json.load(open(d + "/config.json"))
    P = {k: torch.from_numpy(v.copy()) for k, v in
         load_slab(d + "/params.bin", c).items()}
    tok = np.fromfile(d + "/tokens.bin", dtype="<i4").tolist()
    reqs = json.load(open(d + "/requests.json"))
    got = np.fromfile(d + "/loglik.bin", dtype="<f8")
    bad = 0
    for i, (off, nctx, ncont) in enumerate(reqs):
        want = loglik(P, c, tok[off:off + nctx + ncont], ncont)
        err = abs(got[i] - want) / max(abs(want), 1e-30)
        ok = err <= TOL
        bad += not ok
        print("%-4s loglik ctx %2d cont %2d: ptk %.6f torch %.6f rel err %.1e"
              % ("ok" if ok else "FAIL", nctx, ncont, got[i], want, err))
    W = c["n_ctx"]
    text = tok[300:400]
    want = 0.0
    for p in range(0, 99, W):
        win = text[p:p + W + 1]
        want -= loglik(P, c, win, len(win) - 1)
    err = abs(got[len(reqs)] - want) / abs(want)
    ok = err <= TOL
    bad += not ok
    print("%-4s text nll over 99 tokens: ptk %.6f torch %.6f rel err %.1e"
          % ("ok" if ok else "FAIL", got[len(reqs)], want, err))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
