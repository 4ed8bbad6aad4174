#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# rmmod and insmod while a VM runs and exits: the VM keeps running, the
# module comes back and finds it again, and memory in use is where it was.
#
# Kernel command line knobs: unload.cycles=N  reloads (default 5; make
# reliability runs 50), after one that warms up when there are more than
# one; the VM runs 4 s per reload.  busy.spin=N  see
# 40-stress-logsum.sh.

# shellcheck source=../guest-lib.sh
. /lib/e2e.sh

cycles=$(e2e_cmdline unload.cycles 5)
spin=$(e2e_cmdline busy.spin 0) # see 40-stress-logsum.sh
/bin/exitcheck busy $((cycles * 4 + 4)) "$spin" >/tmp/busy.out 2>&1 &
busy=$!
sleep 2
# reload N: rmmod and insmod while the VM runs, then memory in use.
reload() {
	e2e_check "rmmod while a VM runs ($1)" rmmod exitstat
	e2e_check "/proc/exitstat is gone ($1)" test ! -e /proc/exitstat
	e2e_check "insmod while a VM runs ($1)" insmod /lib/modules/exitstat.ko
	sleep 1
	echo "# memory in use after reload $1: $(e2e_mem_used_kb) kB"
}
# The first reload after the other tests grew memory in use by 2.5 MB in
# one run and later ones by nothing: the baseline is taken after it, when
# there is more than one.
i=1
if [ "$cycles" -gt 1 ]; then
	reload 0
	mem=$(e2e_mem_used_kb)
fi
while [ $i -le "$cycles" ]; do
	reload $i
	i=$((i + 1))
done
e2e_check "the running VM is found again" \
	grep -q "^vm .* pid=$busy " /proc/exitstat/stats
if [ "$cycles" -gt 1 ]; then
	# Reloads moved it by 12 kB at most after the warm-up one.
	e2e_mem_check "$cycles reloads" "$mem" 2048
else
	e2e_skip "memory back to its baseline" "one reload only, and the first grows it once"
fi
# Done with it: stop the VM now rather than at the end of its time.
kill -USR1 $busy
wait $busy
rc=$?
e2e_eq "the VM ran through the reloads" 0 "$rc"
[ "$rc" = 0 ] || sed 's/^/# /' /tmp/busy.out
e2e_exit
