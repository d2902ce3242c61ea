# An unknown sharing mode is a usage error.
train --model albert-tiny --data x --steps 1 --share some
