#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of tests/e2e/smoke.sh: KVM is usable in the QEMU guest and an
# out-of-tree module built against the cached headers loads and unloads.
#
# Kernel command line knobs (set by smoke.sh through boot.sh --append):
#   smoke.npt=Y|N     expected value of /sys/module/kvm_amd/parameters/npt
#   smoke.hello=PATH  the hello.ko to load (default /lib/modules/hello.ko)

# shellcheck source=../guest-lib.sh
. /lib/e2e.sh

expect_npt=
hello=/lib/modules/hello.ko
read -r cmdline </proc/cmdline
for tok in $cmdline; do
	case $tok in
	smoke.npt=*) expect_npt=${tok#smoke.npt=} ;;
	smoke.hello=*) hello=${tok#smoke.hello=} ;;
	esac
done

e2e_check "cpu has svm" grep -qw svm /proc/cpuinfo
e2e_check "kvm_amd loaded" test -d /sys/module/kvm_amd
if [ -n "$expect_npt" ]; then
	e2e_eq "kvm_amd npt=$expect_npt" "$expect_npt" "$(e2e_param kvm_amd npt)"
else
	e2e_skip "kvm_amd npt" "no smoke.npt= on the command line"
fi
e2e_check "/dev/kvm is a character device" test -c /dev/kvm
e2e_check "/dev/kvm opens read-write" sh -c 'exec 3<>/dev/kvm'

if [ ! -f "$hello" ]; then
	e2e_not_ok "hello insmod" "$hello is not in the initramfs"
	e2e_exit
fi
e2e_check "hello insmod" insmod "$hello"
e2e_check "hello in /sys/module" test -d /sys/module/hello
e2e_check "hello init ran" sh -c "dmesg | grep -q 'EXITSTAT-E2E-HELLO loaded on $(uname -r)'"
e2e_check "hello rmmod" rmmod hello
e2e_check "hello gone from /sys/module" test ! -d /sys/module/hello
e2e_check "hello exit ran" sh -c 'dmesg | grep -q "EXITSTAT-E2E-HELLO unloaded"'
e2e_exit
