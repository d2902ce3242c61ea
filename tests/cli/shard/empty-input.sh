# No token stream at all is bad input; nothing is written.
shard -o out </dev/null
rc=$?
ls
exit $rc
