printf '{"id":"a","tokens":[1,2,300]}\n' | tokcat --pack --vocab-size 100 --no-compress -o out.tok
status=$?
[ ! -e out.tok ] || { echo "partial output left behind"; exit 9; }
ls
exit $status
