# A log without loss values is bad data.
printf '{"step":1}\n' > a.jsonl
plot-loss -o out.png a.jsonl
