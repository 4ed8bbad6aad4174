#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# module.sh - exitstat.ko end to end.  For each Debian kernel series: build
# the module against that kernel's headers (W=1, warnings are errors) and the
# static test program exitcheck, then boot under QEMU TCG with nested SVM:
#
#   EPYC (NPT on),    scope=vm      every guest test in guest/[2-7]*.sh
#                                   but the Intel ones (*vmx*, bochs.sh),
#                                   including a Linux booted inside (L2)
#   EPYC (NPT on),    scope=global  load checks and exitcheck
#   qemu64 (NPT off), scope=vm      load checks and exitcheck
#
# With --vmx, Intel VMX instead: the kernels boot under Bochs (its CPU
# emulation has VMX) with kvm_intel, and run guest/25-vmx-exitstat.sh and
# the guest tests that need no second CPU and no L2 Linux (guest tool,
# kernel-log summary, unload under load):
#
#   corei7_skylake_x, EPT on      6.12: all of them; 6.1: 25-vmx only
#   corei7_skylake_x, ept=0       6.12, 25-vmx only (a Bochs boot takes
#                                 minutes)
#
# Every guest assertion is printed as a TAP line naming its kernel and
# configuration; the exit status is non-zero if any failed or a boot broke.

set -uo pipefail

PROG=${0##*/}
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
SERIES_LIST=(6.1 6.12)
OFFLINE=()
VERBOSE=()
TIMEOUT=700
VMX_TIMEOUT=1200
# Bochs' guest clock counts instructions and an exit costs it far more
# wall time than QEMU (a reload with a busy VM takes it minutes): on the
# one Bochs boot that runs every VMX test, VMs that stay busy exit once
# per 500000 loop turns, one reload (so no memory check), and a smaller
# hostile sweep.  The other two run 25-vmx-exitstat.sh only.
VMX_KNOBS="unload.cycles=1 busy.spin=500000 hostile.vcpus=2 hostile.random=1000"
APPEND=
WORK=$TOP/build/e2e
VMX=0

usage() {
	cat <<EOF
Usage: $PROG [--vmx] [--series 6.1,6.12] [--append STR] [--timeout SECS]
       [--offline] [--workdir DIR] [-v]

Builds exitstat.ko and exitcheck and runs the module's guest tests under
QEMU in three configurations per kernel series (see the top of this file).
Console logs stay in the work directory (default build/e2e).

  --append STR    more kernel command line for every boot: the guest
                  tests' knobs, e.g. 'churn.vms=2000 unload.cycles=50
                  e2e.timeout=1200' (make reliability)
  --timeout SECS  wall-clock limit of each boot (default $TIMEOUT; Bochs
                  boots 1200)
EOF
}

# shellcheck source=../../scripts/lib.sh
. "$TOP/scripts/lib.sh"

while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--series) needarg "$@"; IFS=, read -r -a SERIES_LIST <<<"$2"; shift ;;
	--offline) OFFLINE=(--offline) ;;
	--vmx) VMX=1 ;;
	--append) needarg "$@"; APPEND=$2; shift ;;
	--timeout) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] ||
			usage_err "--timeout needs a number of seconds"
		TIMEOUT=$2; VMX_TIMEOUT=$2; shift ;;
	--workdir) needarg "$@"; WORK=$2; shift ;;
	-v | --verbose) VERBOSE=(--verbose) ;;
	*) usage_err "unknown argument '$1'" ;;
	esac
	shift
done

# shellcheck source=host-lib.sh
. "$HERE/host-lib.sh"

# boot NAME CPU APPEND: run the initramfs under QEMU (Bochs with --vmx),
# relabel its TAP lines.
boot() {
	local name=$1 cpu=$2 append=$3 rc runner=boot.sh limit=$TIMEOUT
	[ "$VMX" = 0 ] || { runner=bochs.sh; limit=$VMX_TIMEOUT; }
	"$HERE/$runner" --kernel "$VMLINUZ" --initrd "$w/initrd.gz" \
		--cpu "$cpu" --append "$append $APPEND" --name "$name" \
		--log "$w/${name// /_}.log" --timeout "$limit" "${VERBOSE[@]}" |
		sed -E "s/^(not ok|ok)( [0-9]+)? - /\1 - $name: /"
	rc=${PIPESTATUS[0]}
	[ "$rc" = 0 ] || fail "$name: $runner exited $rc (log $w/${name// /_}.log)"
}

# The AMD initramfs: every guest test, a Linux to boot inside.
amd_initramfs() {
	"$HERE/mkinitramfs.sh" --moddir "$MODDIR" -o "$w/initrd.gz" \
		--timeout 360 "${GUEST_FILES[@]}" \
		--add "$TOP/build/static/exitstat:/bin/exitstat" \
		--l2 "$VMLINUZ:$WORK/l2.gz" \
		$(for t in "$HERE"/guest/[2-7]*.sh; do
			case $t in *vmx*) ;; *) echo --test "$t" ;; esac
		done) >/dev/null
}

# The Intel initramfs: kvm_intel, the module, exitcheck and vmguest.
vmx_initramfs() {
	"$HERE/mkinitramfs.sh" --moddir "$MODDIR" -o "$w/initrd.gz" \
		--module kvm_intel --timeout 900 "${GUEST_FILES[@]}" \
		$(for t in 25-vmx-exitstat 35-guest-tool 40-stress-logsum \
			45-hostile 50-stress-unload; do
			echo --test "$HERE/guest/$t.sh"
		done) >/dev/null
}

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd) # make -C needs it absolute
if [ "$VMX" = 0 ] && { ! make -s -C "$TOP" static >"$WORK/static.log" 2>&1 ||
	! "$HERE/mkl2initramfs.sh" -o "$WORK/l2.gz" \
		--add "$TOP/build/static/exitstat:/bin/exitstat" \
		--test "$HERE/l2/exitstat-guest.sh"; }; then
	fail "static exitstat and the L2 initramfs: see $WORK/static.log"
	exit 1
fi
build_vmm "$WORK" || exit 1

for series in "${SERIES_LIST[@]}"; do
	KVER='' VMLINUZ='' MODDIR='' KDIR=''
	if ! env=$("$TOP/scripts/fetch-kernel.sh" "${OFFLINE[@]}" "$series"); then
		fail "$series: scripts/fetch-kernel.sh failed"
		continue
	fi
	eval "$env"
	w=$WORK/$KVER
	build_module "$KVER" "$KDIR" "$w/kmod" || continue
	guest_files "$w" "$WORK"
	if [ "$VMX" = 1 ]; then
		vmx_initramfs || { fail "$KVER: mkinitramfs"; continue; }
		case $KVER in
		6.1.*) boot "$KVER vmx ept" corei7_skylake_x e2e.only=vmx ;;
		*) boot "$KVER vmx ept" corei7_skylake_x "$VMX_KNOBS"
			boot "$KVER vmx ept=0" corei7_skylake_x \
				"kvm_intel.ept=0 e2e.only=vmx" ;;
		esac
		continue
	fi
	amd_initramfs || { fail "$KVER: mkinitramfs"; continue; }
	boot "$KVER npt scope=vm" EPYC "exitstat.scope=vm expect.npt=Y"
	boot "$KVER npt scope=global" EPYC \
		"exitstat.scope=global expect.npt=Y e2e.only=exitstat"
	boot "$KVER shadow scope=vm" qemu64 \
		"exitstat.scope=vm expect.npt=N e2e.only=exitstat"
done
exit $failed
