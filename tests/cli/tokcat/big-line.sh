# A 100 MB single line: processed whole by default, a clear error over --max-record.
python3 -c '
import sys
sys.stdout.write("{\"id\":\"big\",\"text\":\"" + "abcdefghij" * 10000000 + "\"}\n")' > big.jsonl
tokcat --count big.jsonl
tokcat --max-record 1M big.jsonl > /dev/null
echo "status $?"
