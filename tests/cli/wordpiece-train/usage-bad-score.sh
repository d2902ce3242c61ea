# An unknown --score is a usage error.
wordpiece-train --score unigram -o out /dev/null
