# Every program has a man page that names every long option its --help lists,
# and every man page renders as roff without warnings.
top="$TESTS/.."
status=0
for prog in "$BIN"/*; do
	name=$(basename "$prog")
	page="$top/docs/$name.1.md"
	if [ ! -f "$page" ]; then
		echo "no man page for $name"
		status=1
		continue
	fi
	# The options --help lists: a long option that starts a help line.
	for opt in $("$prog" --help 2>/dev/null |
	    sed -nE 's/^[[:space:]]+(-[[:alnum:]],? +)?(--[a-z][a-z0-9-]*).*/\2/p' | sort -u); do
		grep -qF -- "$opt" "$page" "$top/docs/common-options.md" || { echo "$name: $opt is in --help but not in docs/$name.1.md"; status=1; }
	done
	"$top/scripts/md2man" "$page" > "$name.1"
	if command -v groff >/dev/null 2>&1; then
		warn=$(groff -K utf8 -man -Tutf8 -ww -z "$name.1" 2>&1 | grep -v -e "cannot adjust line" -e "cannot break line")
		[ -z "$warn" ] || { echo "$name.1: $warn"; status=1; }
	fi
done
exit $status
