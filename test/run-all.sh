#!/usr/bin/env bash
# Run every test tier: node's test runner over the unit, integration and webview tests, then the extension-host
# tests in code-server. Installs what the tests need first (see test/setup/). The last line is the total over
# all tiers, `tests: N passed, N failed`. Exits non-zero when a test failed or a tier could not run.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source test/setup/common.sh

work_dir=$(mktemp -d "${TMPDIR:-/tmp}/llm-lab-tests-XXXXXX")
trap 'rm -rf "$work_dir"' EXIT

passed=0
failed=0
problems=()
timings=()

# Run a step and record how long it took. Usage: timed NAME COMMAND...
timed() {
	local name=$1
	shift
	local started
	started=$(date +%s.%N)
	log "step: $name"
	"$@"
	local status=$?
	local elapsed
	elapsed=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	timings+=("$(printf '%-28s %8s s  exit %s' "$name" "$elapsed" "$status")")
	log "step: $name finished in $elapsed s with exit code $status"
	return $status
}

# Read one "# NAME N" total from a TAP file written by node's test runner.
tap_total() {
	awk -v key="# $2" '$0 ~ "^" key " [0-9]+$" { value = $NF } END { print value + 0 }' "$1"
}

setup_tools() {
	bash test/setup/install-apt.sh || return 1
	# The two installs are independent, so they run side by side. The llama-server build is the longer one.
	bash test/setup/install-llama-server.sh &
	local llama_pid=$!
	bash test/setup/install-code-server.sh
	local code_server_status=$?
	wait $llama_pid
	local llama_status=$?
	[ $code_server_status -eq 0 ] && [ $llama_status -eq 0 ]
}

run_node_tests() {
	local files=()
	shopt -s nullglob
	files+=(test/unit/*.test.ts test/int/*.int.test.ts test/webview/*.test.ts)
	shopt -u nullglob
	if [ ${#files[@]} -eq 0 ]; then
		log 'no node test files in test/unit, test/int or test/webview'
		return 0
	fi
	local tap=$work_dir/node.tap
	node --import tsx --import ./test/fixtures/loopback-only.mjs --test --test-reporter=spec --test-reporter-destination=stdout \
		--test-reporter=tap --test-reporter-destination="$tap" "${files[@]}"
	local status=$?
	if [ ! -s "$tap" ]; then
		problems+=('node test runner wrote no TAP summary')
		return 1
	fi
	local node_passed node_failed
	node_passed=$(tap_total "$tap" pass)
	node_failed=$(($(tap_total "$tap" fail) + $(tap_total "$tap" cancelled)))
	passed=$((passed + node_passed))
	failed=$((failed + node_failed))
	if [ $status -ne 0 ] && [ "$node_failed" -eq 0 ]; then
		problems+=("node test runner exited with code $status but reported no failed test")
	fi
	return $status
}

run_host_tests() {
	local output=$work_dir/host.log
	timeout 1200 node --import tsx test/setup/run-host-tests.ts 2>&1 | tee "$output"
	local status=${PIPESTATUS[0]}
	# test/host/index.ts prints this line once mocha has finished.
	local summary
	summary=$(grep -Eo 'mocha summary: [0-9]+ passed, [0-9]+ failed' "$output" | tail -n 1)
	if [ -z "$summary" ]; then
		problems+=("extension-host tests did not run (exit code $status)")
		return 1
	fi
	local host_passed host_failed
	host_passed=$(echo "$summary" | awk '{ print $3 }')
	host_failed=$(echo "$summary" | awk '{ print $5 }')
	passed=$((passed + host_passed))
	failed=$((failed + host_failed))
	if [ $status -ne 0 ] && [ "$host_failed" -eq 0 ]; then
		problems+=("extension-host runner exited with code $status but reported no failed test")
	fi
	return $status
}

if ! timed 'install tools' setup_tools; then
	problems+=('installing the test tools failed')
fi

build_ok=true
if ! timed 'build (esbuild --tests)' node esbuild.js --tests; then
	problems+=('node esbuild.js --tests failed')
	build_ok=false
fi

timed 'node test runner' run_node_tests

if $build_ok && [ -f out/test/host/index.js ]; then
	timed 'extension-host tests' run_host_tests
else
	problems+=('extension-host tests skipped because the build failed')
fi

echo
echo 'step timings:'
printf '  %s\n' "${timings[@]}"
for problem in "${problems[@]}"; do
	echo "problem: $problem"
done
echo "tests: $passed passed, $failed failed"

if [ $failed -gt 0 ] || [ ${#problems[@]} -gt 0 ]; then
	exit 1
fi
