# llm.c tokens are uint16: a larger vocabulary is refused, nothing written.
tokcat --pack --vocab-size 70000 "$TESTS/data/shard/seq.jsonl" >in.tok
shard --format llmc -o out in.tok
rc=$?
ls
exit $rc
