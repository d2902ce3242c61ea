# An output folder with files in it needs --force; an empty one is fine.
set -e
tokcat --pack --vocab-size 1000 "$TESTS/data/shard/seq.jsonl" >in.tok
mkdir empty
shard -o empty in.tok
shard --format llmc -o empty in.tok 2>err || echo "exit $?"
cat err
shard --format llmc --force -o empty in.tok
ls empty
ls
echo x >file
shard --force -o file in.tok
ls file
ls | grep -c old || true
