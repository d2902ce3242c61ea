nsp-pair --max-seq-len 4 < /dev/null
