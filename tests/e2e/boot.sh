#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# boot.sh - boot a kernel + e2e initramfs under QEMU's emulator (TCG, which
# emulates AMD SVM with nested paging, so kvm_amd really runs in the guest),
# log the serial console, and judge the run from the console markers written
# by the initramfs /init (init.sh), never from QEMU's exit status.
#
# Stdout: the guest's "ok - ..." / "not ok - ..." lines, "klog: ..." lines
# for suspicious kernel messages, and a final "# ..." summary line.
# Exit status: 0 all ok; 1 a test said "not ok", no test said anything, or
# the kernel logged an Oops/BUG/WARNING...; 2 usage error; 3 the run never
# reached the done marker (timeout, panic, QEMU failure).

set -euo pipefail

PROG=${0##*/}
HERE=$(cd "$(dirname "$0")" && pwd)
KERNEL=
INITRD=
CPU=EPYC
MEM=2048
SMP=2
APPEND=
TIMEOUT=300
LOG=
NAME=
VERBOSE=0
ALLOW_KLOG=0
ALLOW_EMPTY=0
QEMU_ARGS=()
QEMU=${QEMU:-qemu-system-x86_64}
# Multi-threaded TCG has been seen to let one vCPU run a stale int3 of a
# text_poke_bp() another vCPU had finished (an "Oops: int3" in a static
# branch KVM toggles); single-threaded TCG runs the vCPUs in turn.
TCG_THREAD=${EXITSTAT_TCG_THREAD:-single}

usage() {
	cat <<EOF
Usage: $PROG --kernel VMLINUZ --initrd INITRD [OPTIONS]

Boot VMLINUZ with INITRD (built by mkinitramfs.sh) under
'qemu-system-x86_64 -accel tcg' and report the guest's test results.

Options
  --kernel FILE       kernel image (VMLINUZ from scripts/fetch-kernel.sh)
  --initrd FILE       initramfs (from mkinitramfs.sh)
  --cpu MODEL         QEMU CPU model (default $CPU: SVM + NPT; qemu64: SVM
                      without NPT, so kvm_amd runs with npt=N)
  --mem MB            guest memory (default $MEM)
  --smp N             guest CPUs (default $SMP)
  --append STR        extra kernel command line, e.g. 'kvm_amd.npt=0' or
                      'e2e.timeout=60 e2e.only=hello'; repeatable
  --timeout SECS      wall-clock limit for the whole boot (default $TIMEOUT)
  --log FILE          serial console log (default: a file in \$TMPDIR, kept
                      and named on failure)
  --name LABEL        label for messages and the summary (default: kernel
                      release + cpu model)
  --qemu-arg ARG      extra QEMU argument; repeatable
  --allow-klog        do not fail on kernel log lines in the KLOG section
  --allow-empty       do not fail when the guest printed no ok/not ok lines
  -v, --verbose       also copy the console to stderr while it runs
  -h, --help          show this help

Environment: QEMU (default qemu-system-x86_64), EXITSTAT_TCG_THREAD
(single, the default, or multi: TCG's threading, see the script).

Exit status: 0 all ok, 1 test failure / kernel warning, 2 usage,
3 no EXITSTAT-E2E-DONE marker (timeout, panic, QEMU error).

Example
  $PROG --kernel "\$VMLINUZ" --initrd /tmp/i.cpio.gz --append kvm_amd.npt=0
EOF
}

# shellcheck source=../../scripts/lib.sh
. "$HERE/../../scripts/lib.sh"

while [ $# -gt 0 ]; do
	case $1 in
	-h|--help) usage; exit 0 ;;
	--kernel) needarg "$@"; KERNEL=$2; shift ;;
	--initrd) needarg "$@"; INITRD=$2; shift ;;
	--cpu) needarg "$@"; CPU=$2; shift ;;
	--mem) needarg "$@"; MEM=$2; shift ;;
	--smp) needarg "$@"; SMP=$2; shift ;;
	--append) needarg "$@"; APPEND="${APPEND:+$APPEND }$2"; shift ;;
	--timeout) needarg "$@"; TIMEOUT=$2; shift ;;
	--log) needarg "$@"; LOG=$2; shift ;;
	--name) needarg "$@"; NAME=$2; shift ;;
	--qemu-arg) needarg "$@"; QEMU_ARGS+=("$2"); shift ;;
	--allow-klog) ALLOW_KLOG=1 ;;
	--allow-empty) ALLOW_EMPTY=1 ;;
	-v|--verbose) VERBOSE=1 ;;
	*) usage_err "unknown argument '$1'" ;;
	esac
	shift
done

[ -n "$KERNEL" ] || usage_err "--kernel is required"
[ -n "$INITRD" ] || usage_err "--initrd is required"
[ -f "$KERNEL" ] || usage_err "kernel $KERNEL does not exist"
[ -f "$INITRD" ] || usage_err "initrd $INITRD does not exist"
[[ $TIMEOUT =~ ^[0-9]+$ ]] || usage_err "--timeout wants whole seconds, got '$TIMEOUT'"
[[ $MEM =~ ^[0-9]+$ ]] || usage_err "--mem wants megabytes, got '$MEM'"
[[ $SMP =~ ^[0-9]+$ ]] || usage_err "--smp wants a number, got '$SMP'"
command -v "$QEMU" >/dev/null ||
	usage_err "$QEMU not found (Debian: apt-get install qemu-system-x86)"
if [ -z "$NAME" ]; then
	NAME="$(basename "$KERNEL" | sed 's/^vmlinuz-//') $CPU${APPEND:+ $APPEND}"
fi
MSG_TAG=$NAME

KEEP_LOG=1
if [ -z "$LOG" ]; then
	LOG=$(mktemp "${TMPDIR:-/tmp}/exitstat-e2e-boot.XXXXXX.log")
	KEEP_LOG=0
fi
: >"$LOG" || usage_err "cannot write log file $LOG"

CMDLINE="console=ttyS0,115200 panic=-1 loglevel=4${APPEND:+ $APPEND}"
if [ "$VERBOSE" = 1 ]; then
	SERIAL=(-chardev "stdio,id=con0,signal=off,logfile=$LOG")
else
	SERIAL=(-chardev "file,id=con0,path=$LOG")
fi

QERR=$(mktemp "${TMPDIR:-/tmp}/exitstat-e2e-qemu.XXXXXX")
trap 'rm -f "$QERR"' EXIT
msg "booting (cpu $CPU, ${MEM}M, smp $SMP, timeout ${TIMEOUT}s)"
start=$(date +%s.%N)
set +e
timeout -k 10 "$TIMEOUT" "$QEMU" \
	-accel "tcg,thread=$TCG_THREAD" -cpu "$CPU" -m "$MEM" -smp "$SMP" \
	-nographic -nodefaults -no-user-config -no-reboot \
	"${SERIAL[@]}" -serial chardev:con0 -monitor none \
	-kernel "$KERNEL" -initrd "$INITRD" -append "$CMDLINE" \
	"${QEMU_ARGS[@]}" </dev/null >&2 2>"$QERR"
qrc=$?
set -e
end=$(date +%s.%N)
WALL=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')

# QEMU's own messages, minus TCG's notes about CPUID bits of the model it
# cannot emulate (EPYC: rdseed, sha-ni, nrip-save, ...; harmless here).
if grep -v "TCG doesn't support requested feature" "$QERR" >"$QERR.f"; then
	sed 's/^/qemu: /' "$QERR.f" >&2
fi
rm -f "$QERR.f"

CLEAN=$(tr -d '\r' <"$LOG")
has() { grep -qaF -- "$1" <<<"$CLEAN"; }

fail_boot() {
	msg "FAILED after ${WALL}s: $*"
	msg "last console lines ($LOG):"
	tail -n 25 <<<"$CLEAN" | sed 's/^/    | /' >&2
	printf '# %s: BOOT FAILED (%s), wall %ss, log %s\n' "$NAME" "$*" "$WALL" "$LOG"
	exit 3
}

if ! has EXITSTAT-E2E-DONE; then
	# Print what the tests managed to say before things went wrong.
	grep -aoE '(not )?ok( [0-9]+)? - .*' <<<"$CLEAN" || true
	why="no EXITSTAT-E2E-DONE marker"
	if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
		why="$why: timed out after ${TIMEOUT}s"
	elif [ "$qrc" != 0 ]; then
		why="$why: QEMU exited with status $qrc"
	fi
	if has 'Kernel panic'; then
		why="$why; $(grep -aoE 'Kernel panic.*' <<<"$CLEAN" | head -n1)"
	elif ! has EXITSTAT-E2E-BOOT; then
		why="$why; /init never started"
	elif ! has EXITSTAT-E2E-START; then
		why="$why; hung loading modules"
	else
		cur=$(grep -aoE 'EXITSTAT-E2E-TEST-BEGIN .*' <<<"$CLEAN" | tail -n1)
		[ -z "$cur" ] || why="$why; last test started: ${cur#EXITSTAT-E2E-TEST-BEGIN }"
	fi
	fail_boot "$why"
fi

# shellcheck source=verdict.sh
. "$HERE/verdict.sh"
e2e_results
e2e_verdict
