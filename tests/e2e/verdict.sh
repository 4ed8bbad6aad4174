# SPDX-License-Identifier: GPL-2.0
#
# verdict.sh - the judgement of a finished boot, shared by boot.sh (QEMU)
# and bochs.sh (Bochs); sourced by them.  Reads the console in $CLEAN and
# uses NAME, WALL, LOG, KEEP_LOG, ALLOW_EMPTY, ALLOW_KLOG and the runner's
# has() and msg().

# e2e_results: prints the guest's TAP lines; sets TAP, nok, nnotok and KLOG
# (the suspicious kernel log lines the guest reported).
e2e_results() {
	TAP=$(grep -aoE '(not )?ok( [0-9]+)? - .*' <<<"$CLEAN" || true)
	nok=$(grep -cE '^ok( [0-9]+)? - ' <<<"$TAP" || true)
	nnotok=$(grep -cE '^not ok( [0-9]+)? - ' <<<"$TAP" || true)
	[ -z "$TAP" ] || printf '%s\n' "$TAP"
	KLOG=$(sed -n '/EXITSTAT-E2E-KLOG-BEGIN/,/EXITSTAT-E2E-KLOG-END/p' <<<"$CLEAN" |
		grep -av 'EXITSTAT-E2E-KLOG-' || true)
}

# e2e_verdict: prints the kernel log lines and the closing line, and exits
# 0 when every test passed and the kernel log is clean, 1 otherwise.
e2e_verdict() {
	local nklog=0 status=0 l
	local problems=()

	if [ -n "$KLOG" ]; then
		nklog=$(wc -l <<<"$KLOG")
		while IFS= read -r l; do
			printf 'klog: %s\n' "$l"
		done <<<"$KLOG"
	fi
	if [ "$nnotok" -gt 0 ]; then
		status=1
		problems+=("$nnotok not ok")
	fi
	if [ "$nok" -eq 0 ] && [ "$nnotok" -eq 0 ] && [ "$ALLOW_EMPTY" = 0 ]; then
		status=1
		problems+=("no test results")
	fi
	if [ "$nklog" -gt 0 ] && [ "$ALLOW_KLOG" = 0 ]; then
		status=1
		problems+=("$nklog suspicious kernel log lines")
	fi
	if ! has EXITSTAT-E2E-KLOG-END; then
		status=1
		problems+=("kernel log section missing")
	fi

	if [ "$status" = 0 ]; then
		printf '# %s: %d ok, 0 not ok, wall %ss\n' "$NAME" "$nok" "$WALL"
		msg "passed in ${WALL}s"
		[ "$KEEP_LOG" = 1 ] || rm -f "$LOG"
	else
		printf '# %s: %d ok, %d not ok, wall %ss, FAILED (%s), log %s\n' \
			"$NAME" "$nok" "$nnotok" "$WALL" "$(IFS=,; echo "${problems[*]}")" "$LOG"
		msg "FAILED in ${WALL}s: ${problems[*]} (console log: $LOG)"
	fi
	exit "$status"
}
