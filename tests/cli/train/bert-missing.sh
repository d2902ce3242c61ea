# Data that cannot be opened: exit 3.
train --model bert-tiny --data missing.tok --steps 1 -q
