#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# VMs created and destroyed quickly while the host interface is read in a
# loop: nothing is left behind, the figures of the dead VMs are kept,
# memory in use comes back to where it was after a warm-up, and the module
# unloads cleanly afterwards (and is loaded again for the tests after this
# one).
#
# Kernel command line knob: churn.vms=N  VMs of 2 vCPUs (default 400;
# make reliability runs thousands).

# shellcheck source=../guest-lib.sh
. /lib/e2e.sh

stats=/proc/exitstat/stats
vms=$(e2e_cmdline churn.vms 400)
# The first VMs fill exitstat's buffer pool and KVM's caches.
/bin/exitcheck churn 20 2 >/dev/null
mem=$(e2e_mem_used_kb)
before=$(sed -n 's/^retired exits=\([0-9]*\).*/\1/p' $stats)
(while :; do cat $stats /proc/exitstat/summary >/dev/null; done) &
reader=$!
e2e_check "$vms VMs x 2 vCPUs created, run and destroyed" \
	/bin/exitcheck churn "$vms" 2
kill $reader
wait $reader 2>/dev/null
after=$(sed -n 's/^retired exits=\([0-9]*\).*/\1/p' $stats)
e2e_eq "no VM is left in stats" 0 "$(grep -c '^vm ' $stats)"
e2e_check "retired exits grew by at least $vms x 2 x 10 ($before -> $after)" \
	test $((after - before)) -ge $((vms * 20))
# exitstat's own records, exactly: every VM's and vCPU's freed once the
# RCU callbacks have run.
e2e_check "exitstat's VM and vCPU records all freed" sh -c "
	for i in 1 2 3 4 5 6 7 8 9 10; do
		grep -qx 'allocated vms=0 vcpus=0' $stats && exit 0
		sleep 1
	done
	grep '^allocated' $stats; exit 1"
# Memory in use after churning VMs moves by up to 27 MB (KVM's and the
# page allocator's caches), leak or not; one leaked vCPU buffer per vCPU
# (51 KiB on SVM) would add 40 MB over 400 VMs.
e2e_mem_check "$vms VMs" "$mem" 32768
e2e_check "rmmod after the churn" rmmod exitstat
e2e_check "insmod again" insmod /lib/modules/exitstat.ko
e2e_exit
