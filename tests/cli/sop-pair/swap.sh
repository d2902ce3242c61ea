# --swap-prob 1 swaps every pair: B's tokens come before A's in the document.
printf '{"id":"a","tokens":[10,11,12,13,14,15],"bounds":[0,2,4]}\n' |
    tokcat --pack --vocab-size 200 --special cls=2 --special sep=3 > in.tok
sop-pair --swap-prob 1 --short-seq-prob 0 in.tok | tokcat
sop-pair --swap-prob 0 --short-seq-prob 0 in.tok | tokcat
