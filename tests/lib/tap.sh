# SPDX-License-Identifier: GPL-2.0
# Shared by the test runners: run suites that speak TAP ("ok ...",
# "not ok ...", "ok ... # SKIP ..."), echo their lines prefixed with the
# suite's name, and keep one tally over all of them.
#
# A suite that exits non-zero without reporting a failure of its own is
# counted as one failure, so a crash can never pass silently.

TAP_PASSED=0
TAP_FAILED=0
TAP_SKIPPED=0
TAP_FAILURES=()

# tap_suite NAME COMMAND [ARGS...]
tap_suite() {
	local name=$1 out
	shift
	out=$(mktemp)
	"$@" >"$out" 2>&1
	_tap_tally "$name" "$out" $?
}

# tap_start NAME COMMAND [ARGS...]: a suite run in the background, so that
# it shares the machine's cores with the ones that follow; tap_finish NAME
# waits for it and counts it as tap_suite would have.
declare -A TAP_BG_OUT TAP_BG_PID
tap_start() {
	local name=$1
	shift
	TAP_BG_OUT[$name]=$(mktemp)
	"$@" >"${TAP_BG_OUT[$name]}" 2>&1 &
	TAP_BG_PID[$name]=$!
}

tap_finish() {
	wait "${TAP_BG_PID[$1]}"
	_tap_tally "$1" "${TAP_BG_OUT[$1]}" $?
}

# _tap_tally NAME OUTPUT STATUS: echoes and counts a suite's TAP output
# (a file, removed), then its exit status.
_tap_tally() {
	local name=$1 out=$2 status=$3 line pass=0 fail=0 skip=0
	while IFS= read -r line; do
		printf '%s: %s\n' "$name" "$line"
		case $line in
		"not ok"*)
			fail=$((fail + 1))
			TAP_FAILURES+=("$name: $line") ;;
		ok*"# SKIP"* | ok*"# skip"*)
			skip=$((skip + 1)) ;;
		ok*)
			pass=$((pass + 1)) ;;
		esac
	done <"$out"
	rm -f "$out"
	if [ "$status" -ne 0 ] && [ "$fail" -eq 0 ]; then
		fail=1
		TAP_FAILURES+=("$name: exited with status $status")
		printf '%s: not ok - exited with status %d\n' "$name" "$status"
	fi
	if [ $((pass + fail + skip)) -eq 0 ]; then
		fail=1
		TAP_FAILURES+=("$name: ran no test")
		printf '%s: not ok - ran no test\n' "$name"
	fi
	TAP_PASSED=$((TAP_PASSED + pass))
	TAP_FAILED=$((TAP_FAILED + fail))
	TAP_SKIPPED=$((TAP_SKIPPED + skip))
}

# tap_summary: prints the failures again, then the closing line; returns
# non-zero when anything failed.
tap_summary() {
	local f
	if [ "$TAP_FAILED" -ne 0 ]; then
		echo "Failures:"
		for f in "${TAP_FAILURES[@]}"; do
			echo "  $f"
		done
	fi
	echo "$TAP_PASSED passed, $TAP_FAILED failed, $TAP_SKIPPED skipped"
	[ "$TAP_FAILED" -eq 0 ]
}

# tap_check NAME COMMAND [ARGS...]: a command that passes or fails as a
# whole (a build, a style check) counted as one test; its output is shown
# only when it fails.
tap_check() {
	local name=$1
	shift
	tap_suite "$name" _tap_check_one "$@"
}

_tap_check_one() {
	local out status
	out=$("$@" 2>&1)
	status=$?
	if [ "$status" -eq 0 ]; then
		echo "ok - $*"
	else
		printf '%s\n' "$out" | tail -n 40 | sed 's/^/# /'
		echo "not ok - $* (exit status $status)"
	fi
	return 0
}
