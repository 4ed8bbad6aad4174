#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# rmmod and insmod while a VM runs and exits: the VM keeps running, the
# module comes back and finds it again.

# shellcheck source=../guest-lib.sh
. /lib/e2e.sh

/bin/exitcheck busy 20 >/tmp/busy.out 2>&1 &
busy=$!
sleep 2
i=1
while [ $i -le 5 ]; do
	e2e_check "rmmod while a VM runs ($i)" rmmod exitstat
	e2e_check "/proc/exitstat is gone ($i)" test ! -e /proc/exitstat
	e2e_check "insmod while a VM runs ($i)" insmod /lib/modules/exitstat.ko
	sleep 1
	i=$((i + 1))
done
e2e_check "the running VM is found again" \
	grep -q "^vm .* pid=$busy " /proc/exitstat/stats
wait $busy
rc=$?
e2e_eq "the VM ran through the reloads" 0 "$rc"
[ "$rc" = 0 ] || sed 's/^/# /' /tmp/busy.out
e2e_exit
