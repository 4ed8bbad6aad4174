#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# debug-kernel.sh - exitstat.ko end to end on a debug kernel: Debian's
# linux-source of a series built with KASAN, lockdep (PROVE_LOCKING,
# PROVE_RCU), DEBUG_ATOMIC_SLEEP and kmemleak by scripts/debug-kernel.sh.
# The module is built against that tree (W=1, warnings are errors), and the
# kernel boots under QEMU TCG with nested SVM (-cpu EPYC, scope=vm) to run
# the guest tests module.sh runs there (guest/[2-7]*.sh but the Intel ones)
# except the second-level Linux boot (70-l2-linux), then guest/80-kmemleak
# (a kmemleak scan, and lockdep still on, after all the rest).
#
# The verdict is boot.sh's: every test passed and the kernel log, from boot
# on (init.sh reads /dev/kmsg), holds no report of the checkers.  The
# console runs at loglevel 7, so that reports printed at KERN_WARNING
# (lockdep's, WARN()'s) show there too if the guest dies before its end.
#
# Then a positive control (unless --no-control): a second, short boot
# loads a module built here with one bug of each kind (suspicious RCU
# usage, might_sleep() under a spinlock, leaked allocations, an AB-BA lock
# order, a slab out-of-bounds read), clears the kernel log with dmesg -c,
# and checks that every report is still caught.
#
# Slow the first time: building the kernel took 26 minutes on 2 shared
# cores, niced (later runs reuse it); the boots then take about 5 minutes.
# Not part of `make test`; `make debug-kernel` runs it.

set -uo pipefail

PROG=${0##*/}
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
SERIES=6.12
WORK=$TOP/build/e2e-debug
KWORK=()
JOBS=()
OFFLINE=()
NOFT=()
VERBOSE=()
TIMEOUT=1800
TEST_TIMEOUT=600
# A kernel that has not started /init after this many seconds has hung in
# early boot (seen once under TCG, 6.1, before the second CPU came up): it
# is stopped and booted once more.  /init starts within 20-40 s otherwise.
EARLY_LIMIT=600
CONTROL=1

usage() {
	cat <<EOF
Usage: $PROG [--series 6.1|6.12] [--workdir DIR] [--kernel-workdir DIR]
       [--jobs N] [--offline] [--timeout SECS] [--test-timeout SECS]
       [--no-control] [--no-function-tracer] [-v]

Builds (or reuses) the debug kernel with scripts/debug-kernel.sh, builds
exitstat.ko against it and runs the module's guest tests on it under QEMU.
TAP on stdout; exit status 0 only if every test passed and the kernel log
shows no KASAN, lockdep, RCU, atomic-sleep or kmemleak report.

  --series S            kernel series (default $SERIES)
  --workdir DIR         module, initramfs and console logs (default
                        build/e2e-debug)
  --kernel-workdir DIR  scripts/debug-kernel.sh --workdir
  --jobs N              scripts/debug-kernel.sh --jobs (default 2)
  --offline             scripts/debug-kernel.sh --offline
  --timeout SECS        limit for the whole boot (default $TIMEOUT)
  --test-timeout SECS   limit per guest test (default $TEST_TIMEOUT)
  --no-control          skip the positive control boot
  --no-function-tracer  scripts/debug-kernel.sh --no-function-tracer
  -v, --verbose         copy the console to stderr while it runs
EOF
}

# shellcheck source=../../scripts/lib.sh
. "$TOP/scripts/lib.sh"
# shellcheck source=host-lib.sh
. "$HERE/host-lib.sh"

while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--series) needarg "$@"; SERIES=$2; shift ;;
	--workdir) needarg "$@"; WORK=$2; shift ;;
	--kernel-workdir) needarg "$@"; KWORK=(--workdir "$2"); shift ;;
	--jobs) needarg "$@"; JOBS=(--jobs "$2"); shift ;;
	--offline) OFFLINE=(--offline) ;;
	--timeout) needarg "$@"; TIMEOUT=$2; shift ;;
	--test-timeout) needarg "$@"; TEST_TIMEOUT=$2; shift ;;
	--no-control) CONTROL=0 ;;
	--no-function-tracer) NOFT=(--no-function-tracer) ;;
	-v | --verbose) VERBOSE=(--verbose) ;;
	*) usage_err "unknown argument '$1'" ;;
	esac
	shift
done

# boot_once LOG OUT BOOT.SH-ARGS...: boot.sh, its stdout to OUT, the console
# to LOG; stops a kernel that has not started /init after EARLY_LIMIT s.
# Returns boot.sh's status.
boot_once() {
	local log=$1 out=$2 bpid tpid t=0
	shift 2
	rm -f "$log"
	nice -n 19 "$HERE/boot.sh" --log "$log" --timeout "$TIMEOUT" \
		"${VERBOSE[@]}" "$@" >"$out" &
	bpid=$!
	while kill -0 "$bpid" 2>/dev/null; do
		grep -qa EXITSTAT-E2E-BOOT "$log" 2>/dev/null && break
		if [ "$t" -ge "$EARLY_LIMIT" ]; then
			# boot.sh's child: timeout(1), which stops QEMU.
			tpid=$(pgrep -P "$bpid" -x timeout || true)
			[ -z "$tpid" ] || kill "$tpid" 2>/dev/null
			break
		fi
		sleep 5
		t=$((t + 5))
	done
	wait "$bpid"
}

# boot NAME LOG OUT BOOT.SH-ARGS...: boot_once, and once more if the
# kernel never reached /init.
boot() {
	local name=$1 log=$2 out=$3 rc
	shift 3
	boot_once "$log" "$out" --name "$name" "$@"
	rc=$?
	if [ "$rc" = 3 ] && ! grep -qa EXITSTAT-E2E-BOOT "$log"; then
		mv "$log" "$log.hung"
		echo "# $name: the kernel never reached /init (log $log.hung); booting again"
		boot_once "$log" "$out" --name "$name" "$@"
		rc=$?
	fi
	return "$rc"
}

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
KVER='' VMLINUZ='' MODDIR='' KDIR=''
kstart=$(date +%s)
if ! env=$("$TOP/scripts/debug-kernel.sh" --series "$SERIES" "${KWORK[@]}" \
	"${JOBS[@]}" "${OFFLINE[@]}" "${NOFT[@]}"); then
	fail "$SERIES: scripts/debug-kernel.sh failed"
	exit 1
fi
eval "$env"
echo "ok - $KVER: debug kernel ready ($(($(date +%s) - kstart)) s)"
w=$WORK/$KVER
mkdir -p "$w"

# The programs are built after the kernel, which may take long, so that
# they and the guest scripts come from the same state of the tree.
if ! nice -n 19 make -s -C "$TOP" static >"$WORK/static.log" 2>&1; then
	fail "build the static exitstat: see $WORK/static.log"
	exit 1
fi
build_vmm "$WORK" || exit 1
build_module "$KVER" "$KDIR" "$w/kmod" || exit 1

tests=()
for t in "$HERE"/guest/[2-7]*.sh "$HERE/guest/80-kmemleak.sh"; do
	case ${t##*/} in *vmx* | 70-l2-linux.sh) ;; *) tests+=(--test "$t") ;; esac
done
guest_files "$w" "$WORK"
if ! "$HERE/mkinitramfs.sh" --moddir "$MODDIR" -o "$w/initrd.gz" \
	--timeout "$TEST_TIMEOUT" "${GUEST_FILES[@]}" \
	--add "$TOP/build/static/exitstat:/bin/exitstat" \
	"${tests[@]}" >/dev/null; then
	fail "$KVER: mkinitramfs"
	exit 1
fi

# churn.vms: exitcheck churn allows 60 s + 0.1 s per VM, and VMs come and
# go 2-3 times slower on these kernels than on Debian's (400, the default,
# once took over 100 s on 6.1; 200 took 33-68 s, and over 80 s on a busy
# host); kmemleak looks for leaks here anyway.
name="$KVER debug npt scope=vm"
log=$w/console.log
boot "$name" "$log" "$w/boot.out" --kernel "$VMLINUZ" --initrd "$w/initrd.gz" \
	--cpu EPYC --append "exitstat.scope=vm expect.npt=Y loglevel=7 churn.vms=100"
rc=$?
sed -E "s/^(not ok|ok)( [0-9]+)? - /\1 - $name: /" "$w/boot.out"
[ "$rc" = 0 ] || fail "$name: boot.sh exited $rc (log $log)"

# Per-test wall times, from /init's markers.
tr -d '\r' <"$log" | sed -n 's/.*EXITSTAT-E2E-TEST-END \([^ ]*\) rc=\([0-9]*\) secs=\([0-9.]*\).*/# \1: rc=\2, \3 s/p'
[ "$CONTROL" = 1 ] || exit $failed

# ---- positive control --------------------------------------------------------
# The control module and its guest test: tests/e2e/debug-control/.
c=$w/control
rm -rf "$c"
mkdir -p "$c"
cp -r "$HERE/debug-control" "$c/src"
if ! make -C "$KDIR" M="$c/src" modules >"$c/build.log" 2>&1 ||
	[ ! -f "$c/src/es_debug_control.ko" ]; then
	sed 's/^/# /' "$c/build.log" | tail -n 20
	fail "$KVER control: build es_debug_control.ko"
	exit 1
fi
if ! "$HERE/mkinitramfs.sh" --moddir "$MODDIR" -o "$c/initrd.gz" --no-modules \
	--timeout "$TEST_TIMEOUT" \
	--add "$c/src/es_debug_control.ko:/lib/modules/es_debug_control.ko" \
	--test "$c/src/79-control.sh" --test "$HERE/guest/80-kmemleak.sh" >/dev/null; then
	fail "$KVER control: mkinitramfs"
	exit 1
fi
cname="$KVER debug control"
clog=$c/console.log
boot "$cname" "$clog" "$c/boot.out" --kernel "$VMLINUZ" \
	--initrd "$c/initrd.gz" --cpu EPYC --append loglevel=7
rc=$?
sed 's/^/# control: /' "$c/boot.out"
# Every bug must show, and be caught; boot.sh must fail the boot (1), not
# lose it (3).
if [ "$rc" = 1 ]; then
	echo "ok - $cname: boot.sh fails the boot"
else
	fail "$cname: boot.sh exited $rc, expected 1"
fi
# What each bug must bring: a report in the kernel log, which boot.sh's
# verdict names ("klog: ..."), or a failed check of 80-kmemleak.sh.
for want in 'klog: .*WARNING: suspicious RCU usage' \
	'klog: .*BUG: sleeping function called from invalid context' \
	'klog: .*WARNING: possible circular locking dependency detected' \
	'klog: .*BUG: KASAN: slab-out-of-bounds' \
	'klog: .*kmemleak: [0-9]+ new suspected memory leaks' \
	'not ok - .*kmemleak finds no leak' \
	'not ok - .*lockdep still on'; do
	if grep -qaE -- "$want" "$c/boot.out"; then
		echo "ok - $cname: caught: $want"
	else
		fail "$cname: caught: $want"
	fi
done
exit $failed
