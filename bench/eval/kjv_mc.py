#!/usr/bin/env python3
"""kjv_mc.py - a multiple-choice continuation task from the bundled corpus.

Reads the corpus's doc records (one chapter each, verses on lines) on stdin.
Every tenth chapter is held out; the others are written to TRAIN (doc
records, for the tokenizer and the model).  From the held-out chapters,
TASK gets examples {"context", "choices", "label"}: the context is the
previous verse and the start of a verse, cut after a random word; the four
choices are the next WORDS words of that verse and WORDS-word spans from
the middle of three other held-out verses, in a random order.  TEXT gets
the held-out chapters as {"text"} records (perplexity).  Seeded: the same
input gives the same files.

usage: kjv_mc.py TRAIN TASK TEXT [N [WORDS [SEED]]]
"""
import json
import random
import sys


def main():
    train_path, task_path, text_path = sys.argv[1:4]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 400
    words = int(sys.argv[5]) if len(sys.argv) > 5 else 6
    rng = random.Random(int(sys.argv[6]) if len(sys.argv) > 6 else 1)
    held = []
    with open(train_path, "w") as tr, open(text_path, "w") as tx:
        for i, line in enumerate(sys.stdin):
            d = json.loads(line)
            if i % 10 == 5:
                held.append([v.split() for v in d["text"].split("\n")])
                tx.write(json.dumps({"text": d["text"]}) + "\n")
            else:
                tr.write(line)
    # (chapter, verse) of every held-out verse long enough to cut.
    spots = [(c, v) for c, ch in enumerate(held) for v in range(1, len(ch))
             if len(ch[v]) >= words + 4]
    mids = [(c, v) for c, ch in enumerate(held) for v in range(len(ch))
            if len(ch[v]) >= words + 2]
    picked = rng.sample(spots, min(n, len(spots)))
    with open(task_path, "w") as out:
        for c, v in picked:
            verse = held[c][v]
            cut = rng.randint(3, len(verse) - words)
            context = " ".join(held[c][v - 1]) + "\n" + " ".join(verse[:cut])
            right = " " + " ".join(verse[cut:cut + words])
            choices = [right]
            while len(choices) < 4:
                c2, v2 = rng.choice(mids)
                if (c2, v2) == (c, v):
                    continue
                w = held[c2][v2]
                s = rng.randint(1, len(w) - words)
                alt = " " + " ".join(w[s:s + words])
                if alt not in choices:
                    choices.append(alt)
            rng.shuffle(choices)
            out.write(json.dumps({"context": context, "choices": choices,
                                  "label": choices.index(right)}) + "\n")


if __name__ == "__main__":
    main()
