# -o writes whole or not at all: a failing run leaves no file and no temporary.
tokcat -o out.jsonl "$TESTS/golden/good/three-docs.jsonl" "$TESTS/golden/bad/invalid-json.jsonl"
echo "status $?"
ls
tokcat -o out.jsonl "$TESTS/golden/good/three-docs.jsonl" && cmp out.jsonl "$TESTS/golden/good/three-docs.jsonl" && ls
