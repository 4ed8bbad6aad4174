#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# After the module's other tests (loads, reloads under load, VM churn, all
# with exitstat.ko counting): a kmemleak scan finds no unreferenced object,
# and lockdep is still on (a lockdep report turns it off for good, so a
# report that went unseen still shows here).  Run by tests/e2e/
# debug-kernel.sh on a kernel built with CONFIG_DEBUG_KMEMLEAK and
# CONFIG_PROVE_LOCKING; on other kernels both checks skip.

# shellcheck source=../guest-lib.sh
. /lib/e2e.sh

kml=/sys/kernel/debug/kmemleak

# leaks: how many objects the last scan reported.
leaks() {
	grep -c '^unreferenced object' $kml 2>/dev/null
}

if [ ! -e $kml ]; then
	e2e_skip "kmemleak finds no leak" "no $kml (no CONFIG_DEBUG_KMEMLEAK)"
elif ! echo scan >$kml 2>/dev/null; then
	e2e_not_ok "kmemleak finds no leak" \
		"'echo scan >$kml' failed: kmemleak has disabled itself (see the kernel log)"
else
	# An object is reported only if it stayed unreferenced, and unchanged,
	# from one scan to the next: scan twice more, some seconds apart.
	sleep 6
	echo scan >$kml
	sleep 1
	echo scan >$kml
	n=$(leaks)
	e2e_eq "kmemleak finds no leak" 0 "${n:-0}"
	if [ "${n:-0}" != 0 ]; then
		sed 's/^/# /' $kml
	fi
fi

# How the kernel runs exitstat's kprobes, for the log: [FTRACE] from the
# function tracer, [OPTIMIZED] from a jump, neither from int3 (an NMI to
# lockdep).
if [ -r /sys/kernel/debug/kprobes/list ]; then
	sed -n 's/^/# kprobe: /p' /sys/kernel/debug/kprobes/list
fi

if [ -r /proc/lockdep_stats ]; then
	e2e_eq "lockdep still on (debug_locks)" 1 \
		"$(awk '$1 == "debug_locks:" { print $2 }' /proc/lockdep_stats)"
else
	e2e_skip "lockdep still on (debug_locks)" "no /proc/lockdep_stats (no CONFIG_LOCKDEP)"
fi
e2e_exit
