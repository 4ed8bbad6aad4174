#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The demo, inside the nested guest: boot the second-level Linux guest
# demo.boots times while exitstat record samples the host interface every
# 0.1 s, keep each boot's recording, its console (every line stamped with
# this machine's uptime) and the times QEMU ran, and write them all to the
# results disk (/dev/vda, a tar stream).  Kernel command line:
#   demo.mode=npt|shadow  a label for the results (kvm_amd.npt= sets it)
#   demo.boots=N          boots to run (default 5)

# shellcheck source=../tests/e2e/guest-lib.sh
. /lib/e2e.sh

mode=$(e2e_cmdline demo.mode npt)
boots=$(e2e_cmdline demo.boots 5)
out=/results/$mode
mkdir -p $out

uptime_now() {
	read -r up _ </proc/uptime
	echo "$up"
}

# Prefixes every line with this machine's uptime in seconds (no fork per
# line: forks are slow in an emulated machine).
stamp() {
	while IFS= read -r line; do
		read -r up _ </proc/uptime
		echo "$up $line"
	done
}

# Every 10 s while an inner boot runs: this machine's uptime, how much the
# inner guest has printed, and its exits so far (the last VM listed).
heartbeat() {
	while sleep 10; do
		echo "EXITSTAT-DEMO-HEARTBEAT up=$(uptime_now)" \
			"console=$(wc -c <$out/boot$i.console)" \
			"$(grep '^vm ' /proc/exitstat/stats | tail -n 1 | grep -o 'exits=[0-9]*')"
	done
}

e2e_check "insmod exitstat.ko" insmod /lib/modules/exitstat.ko log_every=0
e2e_eq "kvm_amd npt for $mode" "$( [ "$mode" = npt ] && echo Y || echo N)" \
	"$(e2e_param kvm_amd npt)"
# One inner boot, recorded; returns non-zero if it never reached userspace.
# Should an inner boot stall all the same (e2e_l2_qemu says why they used
# to), the watchdog stops it after a minute without exits other than the
# host's interrupts, and it is run again.
BOOT_LIMIT=600
TRIES=4
boot_once() {
	exitstat record -o $out/boot$i.rec 0.1 2>$out/boot$i.record.err &
	rec=$!
	sleep 0.3
	t0=$(uptime_now)
	heartbeat &
	beat=$!
	e2e_l2_watchdog $out/stall &
	watch=$!
	e2e_l2_qemu $BOOT_LIMIT 2>&1 |
		stamp >$out/boot$i.console
	t1=$(uptime_now)
	kill $beat $watch
	sleep 0.3
	kill -INT $rec
	wait $rec
	printf 'qemu_start %s\nqemu_end %s\n' "$t0" "$t1" >$out/boot$i.meta
	grep -q EXITSTAT-L2-DONE $out/boot$i.console
}

stalled=0
i=1
while [ $i -le "$boots" ]; do
	try=1
	echo "EXITSTAT-DEMO-PROGRESS $mode: L2 boot $i of $boots"
	until boot_once; do
		stalled=$((stalled + 1))
		mkdir -p $out/stalled
		for f in $out/boot$i.*; do
			mv "$f" "$out/stalled/try$stalled-${f##*/}"
		done
		if [ $try -ge $TRIES ]; then
			# The emulator's doing, not a result: said, not counted.
			e2e_skip "$mode boot $i" "every one of $TRIES inner boots stalled in the emulator"
			echo "$i" >>$out/lost-boots
			break
		fi
		try=$((try + 1))
		echo "EXITSTAT-DEMO-PROGRESS $mode: L2 boot $i stalled; again (try $try)"
	done
	i=$((i + 1))
done
echo "$stalled" >$out/stalled-boots
e2e_ok "$mode: $boots boots recorded ($stalled stalled and were run again)"
e2e_check "the results disk is there" test -b /dev/vda
e2e_check "results written to the results disk" \
	sh -c "tar -cf /dev/vda -C /results . && sync"
e2e_exit
