#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# exitstat.ko on Intel VMX (tests/e2e/bochs.sh boots this under Bochs, whose
# CPU models emulate VMX with EPT): kvm_intel is loaded with the paging mode
# the command line asks for, the module loads and says it counts VMX exits,
# and exitcheck (tests/vmm) checks the CPUID leaves from inside its own VMs.
# The module's statistics and kernel log lines are printed as "# " comments
# for the record.
#
# Kernel command line knobs:
#   kvm_intel.ept=0       shadow paging (applied by /init when loading
#                         kvm_intel); then EPT and unrestricted guest must
#                         read N, otherwise Y
#   exitstat.scope=S      scope= for insmod (default vm)
#   vmx.exitcheck=ARGS    arguments for exitcheck, commas for spaces
#                         (default: all tests)

# shellcheck source=../guest-lib.sh
. /lib/e2e.sh

ko=/lib/modules/exitstat.ko
scope=$(e2e_cmdline exitstat.scope vm)
args=$(e2e_cmdline vmx.exitcheck "" | tr , ' ')
case $(e2e_cmdline kvm_intel.ept Y) in
0 | n | N) ept=N ;;
*) ept=Y ;;
esac

e2e_check "cpu has vmx" grep -qw vmx /proc/cpuinfo
e2e_check "cpu is GenuineIntel" grep -q 'vendor_id.*GenuineIntel' /proc/cpuinfo
e2e_check "kvm_intel loaded" test -d /sys/module/kvm_intel
e2e_eq "kvm_intel ept=$ept" "$ept" "$(e2e_param kvm_intel ept)"
# Unrestricted guest needs EPT: KVM turns it off when ept=0.
e2e_eq "kvm_intel unrestricted_guest=$ept" "$ept" \
	"$(e2e_param kvm_intel unrestricted_guest)"
for p in vpid enable_apicv pml flexpriority; do
	echo "# kvm_intel $p=$(e2e_param kvm_intel $p)"
done
e2e_check "/dev/kvm is a character device" test -c /dev/kvm

if [ ! -f "$ko" ]; then
	e2e_not_ok "insmod exitstat.ko" "$ko is not in the initramfs"
	e2e_exit
fi
if [ -d /sys/module/exitstat ]; then
	e2e_ok "exitstat already loaded"
else
	e2e_check "insmod exitstat.ko scope=$scope" insmod "$ko" "scope=$scope"
fi
e2e_check "load message names vmx" \
	sh -c "dmesg | grep -q 'exitstat: counting vmx exits, kernel series'"
e2e_eq "stats names the ISA" "isa vmx" \
	"$(grep '^isa ' /proc/exitstat/stats 2>/dev/null)"

# exitcheck prints numbered TAP ("ok 3 - io"); it exits 1 if any failed.
# shellcheck disable=SC2086 # args are separate words
if /bin/exitcheck $args; then
	e2e_ok "exitcheck"
else
	e2e_not_ok "exitcheck" "exited $?"
fi

echo "# /proc/exitstat/summary:"
sed 's/^/# /' /proc/exitstat/summary 2>&1
echo "# /proc/exitstat/stats:"
sed 's/^/# /' /proc/exitstat/stats 2>&1
echo "# kernel log of exitstat and kvm:"
dmesg | grep -E 'exitstat|kvm' | sed 's/^/# /'

e2e_check "rmmod exitstat" rmmod exitstat
e2e_check "/proc/exitstat is gone" test ! -e /proc/exitstat
e2e_exit
