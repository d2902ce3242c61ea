# lib.sh - start and stop the loopback test server (sourced by tests).
# start_server ROOT [server options...]: sets $PORT and $BASE; the server
# is stopped when the test's shell exits.
start_server() {
	local root=$1
	shift
	rm -f port
	python3 "$TESTS/data/crawl/server.py" --root "$root" --port-file port \
	    --log requests.log "$@" &
	SERVER_PID=$!
	trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null' EXIT
	local i
	for i in $(seq 100); do
		[ -s port ] && break
		sleep 0.05
	done
	PORT=$(cat port)
	BASE=http://127.0.0.1:$PORT
}
