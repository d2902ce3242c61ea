tokcat --pack --no-compress </dev/null
