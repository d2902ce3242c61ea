mask-gen --whole-word < /dev/null
