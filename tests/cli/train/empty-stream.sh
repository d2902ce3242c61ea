# An empty input trains no steps and says so.
train --stream --model gpt-tiny --steps 5 -q -j 1 < /dev/null
train --stream --model gpt-tiny --steps 5 < /dev/null 2>&1 | grep -c 'ended after 0 steps'
