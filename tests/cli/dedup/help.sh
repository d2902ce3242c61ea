# --help goes to stdout and exits 0; it states memory per document.
dedup --help | grep -c '^usage: dedup '
dedup --help | grep -c 'bytes per document'
dedup --version | sed 's/[0-9][0-9.]*$/X/'
