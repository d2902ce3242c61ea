mask-gen --random-prob 0.6 --keep-prob 0.6 < /dev/null
