# tokenizer.json files ptk cannot use: exit 1 saying why.
printf '{"model": {"type": "Unigram", "vocab": []}}' > uni.json
tokenize --vocab uni.json --text "$TESTS/data/bpe/train.txt"
echo "exit $?"
printf '{"pre_tokenizer": {"type": "Metaspace"}, "model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}}' > meta.json
tokenize --vocab meta.json --text "$TESTS/data/bpe/train.txt"
echo "exit $?"
printf '{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a b"]}}' > bad.json
tokenize --vocab bad.json --text "$TESTS/data/bpe/train.txt"
