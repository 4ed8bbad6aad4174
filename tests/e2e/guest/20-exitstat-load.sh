#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Loads exitstat.ko with the scope named on the kernel command line
# (exitstat.scope=vm|global) and checks what it shows right after loading.

# shellcheck source=../guest-lib.sh
. /lib/e2e.sh

scope=$(e2e_cmdline exitstat.scope vm)
isa=$(e2e_isa)
params=/sys/module/exitstat/parameters

npt=$(e2e_cmdline expect.npt "")
if [ -n "$npt" ]; then
	e2e_eq "kvm_amd npt=$npt" "$npt" "$(e2e_param kvm_amd npt)"
fi
e2e_check "insmod exitstat.ko scope=$scope" \
	insmod /lib/modules/exitstat.ko "scope=$scope"
e2e_eq "scope reads back" "$scope" "$(e2e_param exitstat scope)"
e2e_check "load message names $isa" \
	sh -c "dmesg | grep -q 'exitstat: counting $isa exits, kernel series'"
e2e_eq "/proc/exitstat is root-only" "dr-x------" \
	"$(ls -ld /proc/exitstat | cut -c1-10)"
e2e_eq "stats is 0400" "-r--------" "$(ls -l /proc/exitstat/stats | cut -c1-10)"
e2e_eq "reset is 0200" "--w-------" "$(ls -l /proc/exitstat/reset | cut -c1-10)"
e2e_eq "stats starts with its format line" "exitstat-stats 1" \
	"$(head -n 1 /proc/exitstat/stats)"
e2e_eq "stats ends with end" "end" "$(tail -n 1 /proc/exitstat/stats)"
e2e_eq "stats names the ISA" "isa $isa" "$(grep '^isa ' /proc/exitstat/stats)"
e2e_check "scope=bogus is refused" sh -c "! echo bogus >$params/scope"
e2e_eq "scope unchanged after a bad write" "$scope" "$(e2e_param exitstat scope)"
e2e_check "log_interval_ms below 100 is refused" \
	sh -c "! echo 50 >$params/log_interval_ms"
e2e_exit
