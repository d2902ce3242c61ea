# A closed downstream pipe ends tokcat quietly: nothing on stderr, and head's line is the first record.
set -o pipefail
python3 -c '
import sys
for i in range(200000):
    sys.stdout.write("{\"id\":\"%d\",\"text\":\"line %d of a longer stream\"}\n" % (i, i))
' | zstd -q > big.zst
tokcat big.zst | head -1
status=("${PIPESTATUS[@]}")
# 0 (finished first) or 141 (SIGPIPE) are both quiet endings.
[ "${status[0]}" = 0 ] || [ "${status[0]}" = 141 ] || exit 1
