#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A real Linux guest booted by QEMU/KVM inside this (nested) guest, with
# exitstat.ko counting: the L2 kernel boots to its /init and powers off,
# and its whole boot is in the module's figures once the VM is gone.

# shellcheck source=../guest-lib.sh
. /lib/e2e.sh

retired() {
	sed -n 's/^retired exits=\([0-9]*\).*/\1/p' /proc/exitstat/stats
}

before=$(retired)
timeout 300 qemu-system-x86_64 -enable-kvm -cpu host -M pc -m 256 \
	-smp 1 -nographic -nodefaults -serial stdio -no-reboot \
	-L /usr/share/qemu -kernel /l2/vmlinuz -initrd /l2/initrd.gz \
	-append "console=ttyS0 panic=-1 loglevel=4" >/tmp/l2.out 2>&1
rc=$?
after=$(retired)
e2e_eq "QEMU ran the L2 guest to its end" 0 "$rc"
e2e_check "L2 Linux booted" grep -q EXITSTAT-L2-BOOTED /tmp/l2.out
e2e_check "L2 /init finished" grep -q EXITSTAT-L2-DONE /tmp/l2.out
grep -a 'EXITSTAT-L2-\|exitstat' /tmp/l2.out | sed 's/^/# L2: /'
e2e_check "the L2 boot's exits are retired ($before -> $after)" \
	test $((after - before)) -ge 2000
# Every character on the L2 serial console is an I/O exit.
io=0x7b
[ "$(e2e_isa)" = svm ] || io=0x1e
e2e_check "the retired figures hold the console's I/O exits" \
	grep -qE "^retired-reason code=$io exits=[0-9]{3,} " /proc/exitstat/stats
e2e_exit
