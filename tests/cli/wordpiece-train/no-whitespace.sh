# Plain text is cut at whitespace; more than --max-record bytes without any
# is an error (exit 1), a long line with spaces is not.
head -c 3000 /dev/zero | tr '\0' a > word.txt
wordpiece-train -q --text --max-record 2K -o out word.txt
rc=$?
for i in $(seq 1 500); do printf 'word%d ' $i; done > line.txt
wordpiece-train -q --text --max-record 2K --vocab-size 50 -o out2 line.txt && wc -l < out2/vocab.txt
exit $rc
