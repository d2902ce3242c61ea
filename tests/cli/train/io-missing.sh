train --data does-not-exist.tok --model gpt-tiny --steps 1
