# An empty record stays an empty record (mask and span modes).
printf '{"id":"a","tokens":[]}\n{"id":"b","tokens":[7,8,9]}\n' |
    tokcat --pack --vocab-size 200 --special mask=4 > in.tok
mask-gen --seed 1 --mask-prob 0.5 in.tok | tokcat
mask-gen --span --seed 1 in.tok | tokcat
