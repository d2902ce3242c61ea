train --model t5-huge --data x.tok --steps 1
