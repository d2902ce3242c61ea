#!/usr/bin/env bash
# run.sh - run every unit test program and CLI test; end with "N passed, N failed".
#
# Environment: BIN (folder of the programs under test), UNITS (folder of the
# unit-test programs), TESTS_FILTER (optional: a substring a test name must hold),
# CLI_TESTS (folder of the CLI cases, default tests/cli; tests/mpi holds the
# mpirun cases that 'make test-mpi' runs).
#
# A CLI test is tests/cli/<prog>/<case>.sh, run by bash in a fresh temporary
# folder with $BIN first on PATH and $TESTS set to this tests/ folder.  Beside
# it, optional files give what is expected: <case>.sh.exit (exit status,
# default 0), <case>.sh.stdout or .stdout.glob, <case>.sh.stderr or
# .stderr.glob (exact, or a bash pattern).  A missing stdout/stderr file
# means that output must be empty.
set -u
here=$(cd "$(dirname "$0")" && pwd)
BIN=${BIN:-$here/../bin}
UNITS=${UNITS:-$here/../build/tests}
filter=${TESTS_FILTER:-}
timeout_s=${TEST_TIMEOUT:-600}
pass=0 fail=0 failed=()
work=$(mktemp -d "${TMPDIR:-/tmp}/ptk-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

report() {	# name status [detail]
	if [ "$2" = ok ]; then
		pass=$((pass + 1))
		printf 'ok   %s\n' "$1"
	else
		fail=$((fail + 1))
		failed+=("$1")
		printf 'FAIL %s\n' "$1"
		[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/     /' | head -n 40
	fi
}

for t in "$UNITS"/t_*; do
	[ -x "$t" ] || continue
	name=unit/$(basename "$t")
	case "$name" in *"$filter"*) ;; *) continue ;; esac
	out=$(cd "$here/.." && TESTS=$here BIN=$BIN timeout "$timeout_s" "$t" 2>&1)
	if [ $? -eq 0 ]; then report "$name" ok; else report "$name" fail "$out"; fi
done

matches() {	# expected-file actual-file glob?
	if [ "$3" = glob ]; then
		local pat act
		pat=$(cat "$1")
		act=$(cat "$2")
		# shellcheck disable=SC2053
		[[ "$act" == $pat ]]
	else
		cmp -s "$1" "$2"
	fi
}

cli=${CLI_TESTS:-$here/cli}
for script in $(find "$cli" -name '*.sh' | sort); do
	name=$(basename "$cli")/${script#"$cli/"}
	case "$name" in *"$filter"*) ;; *) continue ;; esac
	dir=$(mktemp -d "$work/case.XXXXXX")
	(cd "$dir" && PATH="$BIN:$PATH" TESTS=$here BIN=$BIN \
	    timeout "$timeout_s" bash "$script" >"$dir/.stdout" 2>"$dir/.stderr" </dev/null)
	status=$?
	want=0
	[ -f "$script.exit" ] && want=$(cat "$script.exit")
	detail=""
	if [ "$status" != "$want" ]; then
		detail="exit status $status, expected $want"
	fi
	for stream in stdout stderr; do
		if [ -f "$script.$stream" ]; then
			matches "$script.$stream" "$dir/.$stream" exact ||
			    detail="$detail${detail:+; }$stream differs"
		elif [ -f "$script.$stream.glob" ]; then
			matches "$script.$stream.glob" "$dir/.$stream" glob ||
			    detail="$detail${detail:+; }$stream does not match the pattern"
		elif [ -s "$dir/.$stream" ]; then
			detail="$detail${detail:+; }unexpected $stream"
		fi
	done
	if [ -z "$detail" ]; then
		report "$name" ok
	else
		report "$name" fail "$detail
--- stdout:
$(head -c 2000 "$dir/.stdout")
--- stderr:
$(head -c 2000 "$dir/.stderr")"
	fi
	rm -rf "$dir"
done

if [ "$fail" -gt 0 ]; then
	printf '\nfailed:\n'
	printf '  %s\n' "${failed[@]}"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
