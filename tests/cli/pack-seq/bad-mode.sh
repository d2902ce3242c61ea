pack-seq --mode whole < /dev/null
