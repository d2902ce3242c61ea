# --no-lowercase keeps case and accents (--strip-accents strips them alone),
# --no-chinese-chars keeps ideographs together, --limit-alphabet drops the
# rarest characters, --min-frequency stops early, --special-tokens sets the
# head, --max-word-chars goes into tokenizer.json.
printf 'Caf\xc3\xa9 caf\xc3\xa9 CAF\xc3\x89 \xe5\x8c\x97\xe4\xba\xac zq\n' > in.txt
wordpiece-train --text --no-lowercase -o a in.txt
grep -c . a/vocab.txt; grep -x 'Café' a/vocab.txt; grep -x 'CAFÉ' a/vocab.txt
jq -c '.normalizer | [.lowercase, .strip_accents]' a/tokenizer.json
wordpiece-train --text --no-lowercase --strip-accents -o b in.txt
grep -x 'CAFE' b/vocab.txt
wordpiece-train --text --no-chinese-chars -o c in.txt
grep -x '北京' c/vocab.txt
wordpiece-train --text --limit-alphabet 4 --special-tokens '[UNK],<x>' -o d in.txt
head -6 d/vocab.txt | tr '\n' ' '; echo
wordpiece-train --text --min-frequency 3 --max-word-chars 200 -o e in.txt
tail -1 e/vocab.txt
jq .model.max_input_chars_per_word e/tokenizer.json
