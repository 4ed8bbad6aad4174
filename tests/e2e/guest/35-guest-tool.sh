#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The guest side of exitstat (`exitstat guest`) reading the leaves from
# inside a VM: vmguest (tests/vmm) runs it with every CPUID executed by
# its VM's vCPU, after that vCPU made 1000 port I/O exits, 100 HLT exits
# and 500 CPUID exits.  With scope=vm the table is that VM's alone, so the
# HLT and CPUID rows are exact (exitstat takes its own CPUIDs off), and
# the names are those of this host's ISA: Intel's under Bochs, AMD's under
# QEMU.

# shellcheck source=../guest-lib.sh
. /lib/e2e.sh

if [ "$(e2e_isa)" = vmx ]; then
	io=IO_INSTRUCTION
	vendor=GenuineIntel
else
	io=IOIO
	vendor=AuthenticAMD
fi
# Under Bochs the test before this one ends with rmmod.
[ -d /sys/module/exitstat ] ||
	e2e_check "insmod exitstat.ko" insmod /lib/modules/exitstat.ko \
		"scope=$(e2e_cmdline exitstat.scope vm)"
scope=$(cat /sys/module/exitstat/parameters/scope)
if [ "$scope" != vm ]; then
	e2e_skip "exitstat guest in a VM" "needs scope=vm, the module has $scope"
	e2e_exit
fi

# row CSV NAME: the exits of reason NAME in exitstat guest --csv output.
row() {
	awk -F, -v n="$2" '$3 == n { print $4 }' "$1"
}

counts="--io 1000 --hlt 100 --cpuid 500"
# shellcheck disable=SC2086 # counts are separate words
e2e_check "vmguest: exitstat guest --csv in a VM" \
	sh -c "/bin/vmguest $counts -- --csv >/tmp/vg.csv 2>/tmp/vg.err"
sed 's/^/# /' /tmp/vg.csv /tmp/vg.err
calls=$(sed -n 's/^vmguest: calls=//p' /tmp/vg.err)
e2e_eq "CSV header" "code,hex,name,exits,share_pct,cycles,avg_cycles" \
	"$(head -n 1 /tmp/vg.csv)"
e2e_eq "HLT row: exactly the 100 HLTs" 100 "$(row /tmp/vg.csv HLT)"
e2e_eq "CPUID row: exactly the 500 CPUIDs" 500 "$(row /tmp/vg.csv CPUID)"
# Each guest call ends with one port I/O exit (its report): the three
# loops', and those of the queries answered before the I/O count was.
n=$(row /tmp/vg.csv $io)
e2e_check "$io row: the 1000 OUTs and some reports ($n, $calls calls)" \
	test "${n:-0}" -ge 1003 -a "${n:-0}" -le $((1000 + ${calls:-0}))

# shellcheck disable=SC2086
e2e_check "vmguest: exitstat guest --json in a VM" \
	sh -c "/bin/vmguest $counts -- --json >/tmp/vg.json 2>/dev/null"
e2e_check "JSON names the host's ISA and the guest's vendor" \
	grep -q "^{\"host\":{\"isa\":\"$(e2e_isa)\",\"abi\":1,\"scope\":\"vm\"},\"guest_vendor\":\"$vendor\"," /tmp/vg.json

# shellcheck disable=SC2086
e2e_check "vmguest: exitstat guest (the table) in a VM" \
	sh -c "/bin/vmguest $counts >/tmp/vg.txt 2>/dev/null"
sed 's/^/# /' /tmp/vg.txt
for name in $io HLT CPUID; do
	e2e_check "the table has a $name row" \
		grep -qE "^ +(0x)?[0-9a-f]+  $name +[0-9]+ " /tmp/vg.txt
done
e2e_check "the table shows no UNKNOWN reason" sh -c "! grep -q UNKNOWN /tmp/vg.txt"
e2e_exit
