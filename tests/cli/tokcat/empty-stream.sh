tokcat </dev/null
