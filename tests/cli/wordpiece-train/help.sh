# --help on stdout with exit 0; --version.
wordpiece-train --help | head -1
wordpiece-train --version | sed 's/[0-9.]*$/X/'
