# Usage errors exit 2.
cp $TESTS/data/decontam/bench.txt .
benchmark-decontaminate $TESTS/data/decontam/docs.jsonl 2>&1; echo "rc=$?"
benchmark-decontaminate --bench qa $TESTS/data/decontam/docs.jsonl 2>&1; echo "rc=$?"
benchmark-decontaminate --bench qa=$TESTS/data/decontam/bench.jsonl --mode erase $TESTS/data/decontam/docs.jsonl 2>&1; echo "rc=$?"
benchmark-decontaminate --bench qa=$TESTS/data/decontam/bench.jsonl --n 0 $TESTS/data/decontam/docs.jsonl 2>&1; echo "rc=$?"
benchmark-decontaminate --bench qa=$TESTS/data/decontam/bench.jsonl --max-doc-freq 10 < $TESTS/data/decontam/docs.jsonl 2>&1; echo "rc=$?"
benchmark-decontaminate --bench qa=$TESTS/data/decontam/bench.jsonl --bench qa=bench.txt $TESTS/data/decontam/docs.jsonl 2>&1; echo "rc=$?"
benchmark-decontaminate --bench qa=$TESTS/data/decontam/bench.jsonl --count-only $TESTS/data/decontam/docs.jsonl 2>&1; echo "rc=$?"
exit 2
