train --stream --model gpt-tiny --steps 12x </dev/null
