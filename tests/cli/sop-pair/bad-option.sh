sop-pair --swap-prob 1.5 < /dev/null
