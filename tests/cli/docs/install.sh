# make install PREFIX=... puts the programs and man pages there; man -l renders one.
top="$TESTS/.."
make -s -C "$top" install PREFIX="$PWD/prefix" BIN="$BIN" > make.log 2>&1 || { cat make.log >&2; exit 1; }
[ -x prefix/bin/tokcat ] && [ -x prefix/bin/train ] && [ -f prefix/share/man/man1/tokcat.1 ] || exit 1
prefix/bin/tokcat --version
if command -v man >/dev/null 2>&1; then
	MANWIDTH=80 man -l prefix/share/man/man1/tokcat.1 2>/dev/null | grep -c '^NAME$'
else
	echo 1
fi
