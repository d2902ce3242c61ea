train --model bert-tiny --help | head -n 2
train finetune --help | head -n 1
