# eval-lib.bash - sourced by the train eval CLI tests: a tiny GPT trained
# for a few steps on text tokenized with the small test vocabulary, and a
# small multiple-choice task (the right choice continues the training text).
eval_setup() {
	cp "$TESTS/data/bpe/small.tiktoken" .
	tokenize --vocab small.tiktoken --text "$TESTS/data/bpe/train.txt" \
		-o d.tok
	printf '{"preset":"gpt-tiny","n_layer":1,"n_embd":32,"n_head":2,"n_ctx":32}\n' > m.json
	train --data d.tok --model m.json -T 32 -B 8 --steps 60 --lr 1e-2 -q -j 1 --out ck
	cat > mc.jsonl <<'END'
{"context":"Everyone is permitted to copy and","choices":[" distribute verbatim copies"," eat the cake"],"label":0}
{"context":"The GNU General Public License is a free,","choices":[" copyleft license"," banana tree"," seven"],"label":0}
{"context":"of this license document, but changing it","choices":[" is fun"," is not allowed"],"label":1}
{"context":"the freedom to share and change","choices":[" all versions of a program"," the weather"],"label":0}
{"context":"You may convey verbatim copies of the","choices":[" moon"," Program's source code"],"label":1}
END
}
