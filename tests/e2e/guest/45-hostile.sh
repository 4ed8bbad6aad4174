#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The leaves under fire (exitcheck hostile, tests/vmm/hostile.c): vCPUs
# in two VMs, each in a thread, ask all four leaves for every ECX from 0
# to 0x1000, for random ECX values and for the edge codes, while another
# thread reads /proc/exitstat/stats in a loop.  Every answer must have the
# bits the contract fixes, the leaves on either side of ours must be left
# alone, no 10 s may pass without a read of stats ending, and the kernel
# must not complain meanwhile.
#
# Kernel command line knobs:
#   hostile.random=N  random ECX values per vCPU (default 100000)
#   hostile.vcpus=N   vCPUs, 1..8: ceil(N/2) in VM A, the rest in VM B
#                     (default 4); 0 skips the test, saying so
# The defaults make 4 x 116532 = 466128 CPUID exits: an estimated 25-40 s
# at the e2e guest's 15-25k CPUID exits/s (bench/results.md), up to a
# minute on a busy host.  Larger values may need a larger per-test limit
# (e2e.timeout; tests/e2e/module.sh gives 180 s, /init's default is 120 s).

# shellcheck source=../guest-lib.sh
. /lib/e2e.sh

random=$(e2e_cmdline hostile.random 100000)
vcpus=$(e2e_cmdline hostile.vcpus 4)
out=/tmp/hostile.out
if [ "$vcpus" = 0 ]; then
	e2e_skip "the hostile sweep" "not in this configuration (hostile.vcpus=0)"
	e2e_exit
fi

dmesg -c >/dev/null
/bin/exitcheck hostile "$random" "$vcpus" >$out 2>&1
rc=$?
# Its seeds (to replay a failure), progress and verdict, for the log, as
# notes: boot.sh counts any "ok - " it sees, and a failure is told below.
sed -e '/^not ok - /d' -e 's/^ok - hostile/hostile/' -e 's/^# //' \
	-e 's/^/# /' $out
# Passed, not skipped: exit status 0 and an "ok - hostile: ..." line.
verdict=$(grep -E '^(not )?ok - hostile' $out | tail -n 1)
case "$rc $verdict" in
"0 ok - hostile: "*) passed=yes ;;
*) passed="no (exit status $rc) ${verdict:-and no verdict line}" ;;
esac
e2e_eq "$random random queries and the sweep on each of $vcpus vCPUs matched the contract" \
	yes "$passed"
for what in Oops BUG WARNING 'general protection'; do
	e2e_check "no '$what' in dmesg since the run" \
		sh -c "! dmesg | grep -w '$what'"
done
e2e_exit
