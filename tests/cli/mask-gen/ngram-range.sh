mask-gen --ngram 4 < /dev/null
