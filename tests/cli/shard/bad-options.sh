# Each a usage error (2): the status of the last is the script's.
shard --val-fraction 1.5 -o out </dev/null 2>/dev/null; echo $?
shard --mem 1K -o out </dev/null 2>/dev/null; echo $?
shard --sentences -o out </dev/null 2>/dev/null; echo $?
shard --eod-id 3 -o out </dev/null 2>/dev/null; echo $?
shard --eod middle -o out </dev/null 2>/dev/null; echo $?
shard --trust -o out </dev/null 2>/dev/null; echo $?
shard --shard-tokens 0 -o out </dev/null 2>/dev/null; echo $?
