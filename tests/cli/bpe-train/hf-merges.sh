# Every merge of the fixture (it trains to the end), in the order HuggingFace
# BpeTrainer makes them: train() reads files line by line, as --lines does.
# The checksum is of the merges.txt that tokenizers 0.23.2 wrote.
bpe-train --lines -o out "$TESTS/data/bpe/train.txt"
md5sum < out/merges.txt
jq -c '[length, .["Ġthe"], .["Ċ"]]' out/vocab.json
