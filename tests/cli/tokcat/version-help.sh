tokcat --version
tokcat --help | head -n 1
