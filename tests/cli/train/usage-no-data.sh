train --model gpt-tiny --steps 1
