#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run-test.sh TIMEOUT TEST - run one guest test with a time limit, then kill
# whatever it left behind.  Installed in the initramfs as /lib/e2e-run.sh;
# /init starts it with setsid, so this shell leads a session of its own and
# every process the test starts (unless it makes its own session) is in it.
# Leftovers would otherwise keep the console pipe of /init open forever.
#
# Exit status: the test's, or 124 if it was killed for running too long.

limit=$1
test=$2
me=$$

# PIDs of the processes in our session, except this shell and the subshell
# running this function (its PID differs from $$ in a $(...)).
session_pids() {
	read -r self </proc/self/stat
	self=${self%% *}
	for st in /proc/[0-9]*/stat; do
		# read, not cat: no fork per process (forks are slow under TCG)
		read -r s <"$st" 2>/dev/null || continue
		pid=${st#/proc/}
		pid=${pid%/stat}
		[ "$pid" = "$me" ] || [ "$pid" = "$self" ] && continue
		# shellcheck disable=SC2086 # split "state ppid pgrp session ..."
		set -- ${s##*) }
		[ "$4" = "$me" ] && echo "$pid"
	done
}

# Signal everything in our session but ourselves: TERM, a moment, then KILL.
reap() {
	pids=$(session_pids)
	[ -n "$pids" ] || return 0
	# shellcheck disable=SC2086
	kill -TERM $pids 2>/dev/null
	i=0
	while [ $i -lt 20 ]; do
		pids=$(session_pids)
		[ -n "$pids" ] || return 0
		usleep 100000
		i=$((i + 1))
	done
	# shellcheck disable=SC2086
	kill -KILL $pids 2>/dev/null
	return 0
}

cd /tmp || exit 1
rm -f /run/e2e-timed-out
"$test" </dev/null &
child=$!
(
	sleep "$limit"
	: >/run/e2e-timed-out
	kill -TERM "$child" 2>/dev/null
	sleep 2
	kill -KILL "$child" 2>/dev/null
) </dev/null >/dev/null 2>&1 &
wait "$child"
rc=$?
trap '' TERM
reap
if [ -e /run/e2e-timed-out ]; then
	rm -f /run/e2e-timed-out
	exit 124
fi
exit "$rc"
