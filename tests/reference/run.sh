#!/usr/bin/env bash
# run.sh - comparisons against peer tools (make check-reference).
# Runs every executable tests/reference/*.sh other than this one; each exits
# nonzero on a mismatch.  Ends with "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
export BIN=${BIN:-$here/../../bin}
export PATH="$BIN:$PATH"
export REF_CACHE=${REF_CACHE:-$here/../../build/reference}
mkdir -p "$REF_CACHE"
pass=0 fail=0
for t in "$here"/*.sh; do
	[ "$(basename "$t")" = run.sh ] && continue
	[ -x "$t" ] || continue
	echo "== $(basename "$t")"
	if "$t"; then
		pass=$((pass + 1))
		echo "ok   $(basename "$t")"
	else
		fail=$((fail + 1))
		echo "FAIL $(basename "$t")"
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
