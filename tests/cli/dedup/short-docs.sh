# Documents shorter than one shingle (5 words) are one shingle: short
# copies are found, distinct short texts are not, empty texts are exact copies.
printf '%s\n' '{"id":"a","text":"Hi there"}' '{"id":"b","text":"hi, there!"}' \
    '{"id":"c","text":"Hi you"}' '{"id":"d","text":"one"}' '{"id":"e","text":"One."}' \
    '{"id":"f","text":""}' '{"id":"g","text":" "}' > short.jsonl
dedup -q --no-compress --ngram 5 --report rep.jsonl short.jsonl | grep -o '"id":"[^"]*"'
cat rep.jsonl
