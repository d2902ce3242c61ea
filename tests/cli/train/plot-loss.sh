# plot-loss draws a PNG from train logs.
printf '{"step":1,"loss":4.2,"val_loss":4.1}\n{"step":2,"loss":3.9}\n{"step":3,"loss":3.5,"val_loss":3.6}\n' > a.jsonl
printf '{"step":1,"loss":4.0}\n{"step":2,"loss":3.0}\n' > b.jsonl
plot-loss -o out.png --title 'two "runs"' a.jsonl b.jsonl
head -c 8 out.png | od -An -tx1 | tr -d ' \n'
echo
ls out.png.tmp.* 2>/dev/null | wc -l
