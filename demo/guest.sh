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

e2e_check "insmod exitstat.ko" insmod /lib/modules/exitstat.ko log_every=0
e2e_eq "kvm_amd npt for $mode" "$( [ "$mode" = npt ] && echo Y || echo N)" \
	"$(e2e_param kvm_amd npt)"
i=1
while [ $i -le "$boots" ]; do
	echo "EXITSTAT-DEMO-PROGRESS $mode: L2 boot $i of $boots"
	exitstat record -o $out/boot$i.rec 0.1 2>$out/boot$i.record.err &
	rec=$!
	sleep 0.3
	t0=$(uptime_now)
	timeout 600 qemu-system-x86_64 -enable-kvm -cpu host -M pc -m 256 \
		-smp 1 -nographic -nodefaults -serial stdio -no-reboot \
		-L /usr/share/qemu -kernel /l2/vmlinuz -initrd /l2/initrd.gz \
		-append "console=ttyS0 panic=-1 loglevel=4" </dev/null 2>&1 |
		stamp >$out/boot$i.console
	t1=$(uptime_now)
	sleep 0.3
	kill -INT $rec
	wait $rec
	printf 'qemu_start %s\nqemu_end %s\n' "$t0" "$t1" >$out/boot$i.meta
	e2e_check "$mode boot $i: L2 reached userspace" \
		grep -q EXITSTAT-L2-DONE $out/boot$i.console
	i=$((i + 1))
done
e2e_check "the results disk is there" test -b /dev/vda
e2e_check "results written to the results disk" \
	sh -c "tar -cf /dev/vda -C /results . && sync"
e2e_exit
