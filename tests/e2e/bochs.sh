#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bochs.sh - the Bochs counterpart of boot.sh: boot a kernel + e2e initramfs
# on an emulated Intel CPU with VMX and EPT (Debian's bochs 2.7), so the
# guest runs the real kvm_intel, log the serial console, and judge the run
# from the console markers written by the initramfs /init (init.sh), never
# from Bochs' exit status.
#
# Bochs cannot load a kernel itself: the kernel and initramfs go on an
# ISOLINUX CD image (xorriso), booted by the Bochs BIOS.  Debian's Bochs has
# no headless display; the RFB (VNC) display with timeout=0 does not wait
# for a viewer, and Bochs runs in a network namespace of its own (unshare -n)
# so its VNC server is reachable from nowhere and parallel runs do not
# compete for ports 5900-5949.
#
# Stdout: the guest's "ok - ..." / "not ok - ..." lines, "klog: ..." lines
# for suspicious kernel messages, and a final "# ..." summary line.
# Exit status: 0 all ok; 1 a test said "not ok", no test said anything, or
# the kernel logged an Oops/BUG/WARNING...; 2 usage error; 3 the run never
# reached the done marker (timeout, panic, reboot, Bochs failure).

set -euo pipefail

PROG=${0##*/}
HERE=$(cd "$(dirname "$0")" && pwd)
KERNEL=
INITRD=
CPU_MODEL=corei7_skylake_x
MEM=256
IPS=50000000
APPEND=
TIMEOUT=900
LOG=
NAME=
VERBOSE=0
TIMESTAMPS=
ALLOW_KLOG=0
ALLOW_EMPTY=0
DEFAULT_KLOG_IGNORE=1
WORKDIR=
BOCHSRC_LINES=()
BOCHS=${BOCHS:-bochs-bin}

ISOLINUX_BIN=/usr/lib/ISOLINUX/isolinux.bin
LDLINUX_C32=/usr/lib/syslinux/modules/bios/ldlinux.c32
BIOS=/usr/share/bochs/BIOS-bochs-latest
VGABIOS=/usr/share/vgabios/vgabios.bin

# Kernel warnings at boot that Bochs' CPUID causes, not the code under test
# (one ERE each):
# - the XSAVE area size in CPUID.0xD is not the sum of its components
#   ("XSAVE consistency problem: size 2432 != kernel_size 2688"; 6.1, 6.12);
# - CPUID.1 EBX's logical processor count (with HT set) is below CPUID.4's
#   core count, so 6.12's parse_legacy() WARN_ON_ONCE()s.
BOCHS_KLOG_RE=(
	'WARNING: CPU: 0 PID: 0 at arch/x86/kernel/fpu/xstate\.c:[0-9]+ fpu__init_system_xstate'
	'WARNING: CPU: 0 PID: 0 at arch/x86/kernel/cpu/topology_common\.c:[0-9]+ parse_legacy'
)

usage() {
	cat <<EOF
Usage: $PROG --kernel VMLINUZ --initrd INITRD [OPTIONS]

Boot VMLINUZ with INITRD (built by mkinitramfs.sh --module kvm_intel) under
Bochs on an Intel CPU model with VMX + EPT, and report the guest's results.

Options
  --kernel FILE       kernel image (VMLINUZ from scripts/fetch-kernel.sh)
  --initrd FILE       initramfs (from mkinitramfs.sh)
  --cpu-model MODEL   Bochs CPU model (default $CPU_MODEL; also
                      corei7_haswell_4770. See 'bochs-bin --help cpu')
  --mem MB            guest memory (default $MEM)
  --ips N             emulated instructions per second (default $IPS); the
                      guest's clock, not Bochs' speed: with 'clock:
                      sync=none' a lower value makes timed waits in the
                      guest cost fewer emulated instructions
  --append STR        extra kernel command line, e.g. 'kvm_intel.ept=0' or
                      'e2e.timeout=60 e2e.only=vmx'; repeatable
  --timeout SECS      wall-clock limit for the whole boot (default $TIMEOUT)
  --log FILE          serial console log (default: a file in \$TMPDIR, kept
                      and named on failure)
  --name LABEL        label for messages and the summary (default: kernel
                      release + cpu model + append)
  --bochsrc LINE      extra bochsrc line (later lines override); repeatable
  --workdir DIR       build the CD image, bochsrc and Bochs' own log in DIR
                      and keep them (default: a temporary directory, removed)
  --allow-klog        do not fail on kernel log lines in the KLOG section
  --allow-empty       do not fail when the guest printed no ok/not ok lines
  --no-default-klog-ignore
                      also report the kernel warnings Bochs' CPU model
                      causes at boot (ignored by default)
  --timestamps FILE   write each console line to FILE prefixed with the
                      wall and Bochs CPU seconds when it was first seen
                      (polled every 0.5 s): where does the time go
  -v, --verbose       also copy the console to stderr while it runs
  -h, --help          show this help

Environment: BOCHS (default bochs-bin).
Packages: bochs bochsbios vgabios isolinux syslinux-common xorriso
(installed with apt-get when missing and running as root).

Exit status: 0 all ok, 1 test failure / kernel warning, 2 usage,
3 no EXITSTAT-E2E-DONE marker (timeout, panic, reboot, Bochs error).

Example
  tests/e2e/mkinitramfs.sh --moddir "\$MODDIR" -o /tmp/i.gz --module kvm_intel
  $PROG --kernel "\$VMLINUZ" --initrd /tmp/i.gz --append kvm_intel.ept=0
EOF
}

# shellcheck source=../../scripts/lib.sh
. "$HERE/../../scripts/lib.sh"

while [ $# -gt 0 ]; do
	case $1 in
	-h|--help) usage; exit 0 ;;
	--kernel) needarg "$@"; KERNEL=$2; shift ;;
	--initrd) needarg "$@"; INITRD=$2; shift ;;
	--cpu-model|--cpu) needarg "$@"; CPU_MODEL=$2; shift ;;
	--mem) needarg "$@"; MEM=$2; shift ;;
	--ips) needarg "$@"; IPS=$2; shift ;;
	--append) needarg "$@"; APPEND="${APPEND:+$APPEND }$2"; shift ;;
	--timeout) needarg "$@"; TIMEOUT=$2; shift ;;
	--log) needarg "$@"; LOG=$2; shift ;;
	--name) needarg "$@"; NAME=$2; shift ;;
	--bochsrc) needarg "$@"; BOCHSRC_LINES+=("$2"); shift ;;
	--workdir) needarg "$@"; WORKDIR=$2; shift ;;
	--allow-klog) ALLOW_KLOG=1 ;;
	--allow-empty) ALLOW_EMPTY=1 ;;
	--no-default-klog-ignore) DEFAULT_KLOG_IGNORE=0 ;;
	--timestamps) needarg "$@"; TIMESTAMPS=$2; shift ;;
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
[[ $IPS =~ ^[0-9]+$ ]] || usage_err "--ips wants a number, got '$IPS'"
[[ $CPU_MODEL =~ ^[a-z0-9_]+$ ]] || usage_err "bad --cpu-model '$CPU_MODEL'"
[[ $APPEND != *$'\n'* ]] || usage_err "--append must not contain a newline"
for l in "${BOCHSRC_LINES[@]}"; do
	[[ $l != *$'\n'* ]] || usage_err "--bochsrc takes one line"
done

# ---- prerequisites -------------------------------------------------------------
missing=()
command -v "$BOCHS" >/dev/null || missing+=(bochs)
[ -f "$BIOS" ] || missing+=(bochsbios)
[ -f "$VGABIOS" ] || missing+=(vgabios)
[ -f "$ISOLINUX_BIN" ] || missing+=(isolinux)
[ -f "$LDLINUX_C32" ] || missing+=(syslinux-common)
command -v xorriso >/dev/null || missing+=(xorriso)
command -v unshare >/dev/null || missing+=(util-linux)
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || usage_err "missing packages: ${missing[*]} (apt-get install them)"
	msg "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		"${missing[@]}" >&2 || usage_err "apt-get install ${missing[*]} failed"
fi
# Run Bochs in a network namespace of its own: as root directly, otherwise
# in a user namespace mapped to root.  Without either its VNC server would
# listen on the host's network.
if unshare -n true 2>/dev/null; then
	NETNS=(unshare -n)
elif unshare -rn true 2>/dev/null; then
	NETNS=(unshare -rn)
else
	usage_err "cannot create a network namespace (unshare -n / -rn) for Bochs' VNC server"
fi

if [ -z "$NAME" ]; then
	NAME="$(basename "$KERNEL" | sed 's/^vmlinuz-//') $CPU_MODEL${APPEND:+ $APPEND}"
fi
MSG_TAG=$NAME

KEEP_LOG=1
if [ -z "$LOG" ]; then
	LOG=$(mktemp "${TMPDIR:-/tmp}/exitstat-e2e-bochs.XXXXXX.log")
	KEEP_LOG=0
fi
: >"$LOG" || usage_err "cannot write log file $LOG"
LOG=$(cd "$(dirname "$LOG")" && pwd)/$(basename "$LOG")

KEEP_WORK=1
if [ -z "$WORKDIR" ]; then
	WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/exitstat-e2e-bochs.XXXXXX")
	KEEP_WORK=0
fi
mkdir -p "$WORKDIR"
WORKDIR=$(cd "$WORKDIR" && pwd)
SUB_PID=
TAIL_PID=
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	[ -z "$TAIL_PID" ] || kill "$TAIL_PID" 2>/dev/null || true
	[ -z "$SUB_PID" ] || stop_bochs
	[ "$KEEP_WORK" = 1 ] || rm -rf "$WORKDIR"
}
trap cleanup EXIT

# ---- the CD image ----------------------------------------------------------------
# e2e.drain: /init waits before poweroff -f, or the tty's last lines (the
# KLOG section) are lost; Bochs' UART sends at the programmed baud rate.
CMDLINE="console=ttyS0,115200 panic=-1 loglevel=4 e2e.drain=1${APPEND:+ $APPEND}"
ISO=$WORKDIR/iso
rm -rf "$ISO"
mkdir -p "$ISO/isolinux"
cp "$ISOLINUX_BIN" "$LDLINUX_C32" "$ISO/isolinux/"
cp "$KERNEL" "$ISO/vmlinuz"
cp "$INITRD" "$ISO/initrd.gz"
cat >"$ISO/isolinux/isolinux.cfg" <<EOF
SERIAL 0 115200
DEFAULT linux
PROMPT 0
TIMEOUT 0
LABEL linux
  KERNEL /vmlinuz
  INITRD /initrd.gz
  APPEND $CMDLINE
EOF
xorriso -as mkisofs -quiet -o "$WORKDIR/boot.iso" \
	-b isolinux/isolinux.bin -c isolinux/boot.cat \
	-no-emul-boot -boot-load-size 4 -boot-info-table "$ISO" >"$WORKDIR/xorriso.log" 2>&1 || {
	sed 's/^/xorriso: /' "$WORKDIR/xorriso.log" >&2
	usage_err "xorriso could not make the CD image"
}
rm -rf "$ISO"

# ---- bochsrc ---------------------------------------------------------------------
# sound: driver=dummy: with ALSA's default device missing (no sound card),
# Bochs 2.7's mixer thread aborts with "buffer overflow detected".
cat >"$WORKDIR/bochsrc" <<EOF
display_library: rfb, options="timeout=0"
romimage: file=$BIOS
vgaromimage: file=$VGABIOS
memory: guest=$MEM, host=$MEM
cpu: model=$CPU_MODEL, count=1, ips=$IPS, reset_on_triple_fault=1, ignore_bad_msrs=1
clock: sync=none, time0=local
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata0-master: type=cdrom, path=$WORKDIR/boot.iso, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$LOG
sound: driver=dummy
speaker: enabled=0
mouse: enabled=0
log: $WORKDIR/bochs.log
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
EOF
for l in "${BOCHSRC_LINES[@]}"; do
	printf '%s\n' "$l" >>"$WORKDIR/bochsrc"
done
# Debian's bochs-bin has the debugger built in and stops at the first
# instruction: "c" continues.
echo c >"$WORKDIR/debugger.rc"

# ---- run -------------------------------------------------------------------------
msg "booting (cpu $CPU_MODEL, ${MEM}M, ips $IPS, timeout ${TIMEOUT}s)"
if [ "$VERBOSE" = 1 ]; then
	tail -n +1 -f "$LOG" >&2 &
	TAIL_PID=$!
fi
start=$(date +%s.%N)
elapsed() { awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
# The subshell notes the CPU time Bochs used (on a busy machine it says
# more than the wall time); the watcher stops Bochs through timeout's PID.
(
	cd "$WORKDIR" || exit 1
	timeout -k 10 "$TIMEOUT" "${NETNS[@]}" "$BOCHS" -q -f bochsrc \
		-rc debugger.rc </dev/null >"$WORKDIR/bochs.out" 2>&1 &
	echo $! >"$WORKDIR/timeout.pid"
	rc=0
	wait $! || rc=$?
	times >"$WORKDIR/bochs.times"
	exit $rc
) &
SUB_PID=$!
# bochs_cpu: CPU seconds Bochs (the child of timeout) has used so far.
CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)
bochs_cpu() {
	local tpid bpid stat
	tpid=$(cat "$WORKDIR/timeout.pid" 2>/dev/null) || return 0
	# (no newline at the end: read would fail)
	bpid=$(cat "/proc/$tpid/task/$tpid/children" 2>/dev/null) || return 0
	bpid=${bpid%% *}
	[ -n "$bpid" ] || return 0
	stat=$(cat "/proc/$bpid/stat" 2>/dev/null) || return 0
	# Fields after the command name: state is 3, utime 14, stime 15.
	awk -v t="$CLK_TCK" '{ printf "%.1f", ($12 + $13) / t }' <<<"${stat##*) }"
}
stop_bochs() {
	local pid
	pid=$(cat "$WORKDIR/timeout.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || true
}

# Watch the console: note when each stage is reached, and stop Bochs when
# the guest is done but did not power off, panicked, or rebooted.  (Bochs
# has no -no-reboot, but on a reset its debugger stops, finds debugger.rc
# used up and quits; also the BIOS then faults on the locked
# IA32_FEATURE_CONTROL MSR. The watcher is the fallback.)
declare -A SEEN=()
STAGES=("isolinux:ISOLINUX " "kernel:Loading /initrd.gz...ok" "linux:[    0."
	"init:EXITSTAT-E2E-BOOT"
	"tests:EXITSTAT-E2E-START" "finished:EXITSTAT-E2E-DONE")
STOPPED=
end_at=
[ -z "$TIMESTAMPS" ] || : >"$TIMESTAMPS"
nlines=0
while kill -0 "$SUB_PID" 2>/dev/null; do
	sleep 0.5
	if [ -n "$TIMESTAMPS" ]; then
		n=$(wc -l <"$LOG")
		if [ "$n" -gt "$nlines" ]; then
			stamp="$(elapsed) $(bochs_cpu)"
			sed -n "$((nlines + 1)),${n}p" "$LOG" | tr -d '\r' |
				sed "s/^/$stamp | /" >>"$TIMESTAMPS"
			nlines=$n
		fi
	fi
	# One snapshot per round, or a later stage could be seen first.
	con=$(tr -d '\r' <"$LOG")
	for st in "${STAGES[@]}"; do
		key=${st%%:*}
		[ -z "${SEEN[$key]:-}" ] || continue
		if grep -qaF -- "${st#*:}" <<<"$con"; then
			SEEN[$key]="$(elapsed)s"
			c=$(bochs_cpu)
			[ -z "$c" ] || SEEN[$key]="${SEEN[$key]} (cpu ${c}s)"
		fi
	done
	if [ -z "$end_at" ]; then
		if grep -qaF -- 'EXITSTAT-E2E-KLOG-END' <<<"$con"; then
			end_at=$(date +%s)
			STOPPED="powered off"
		elif grep -qaF -- '---[ end Kernel panic' <<<"$con"; then
			end_at=$(date +%s)
			STOPPED="kernel panic"
		elif [ "$(grep -caF -- 'ISOLINUX ' <<<"$con")" -gt 1 ]; then
			end_at=$(date +%s)
			STOPPED="guest rebooted"
		fi
	fi
	# A guest that is done gets 30 s to power off (3 s once the kernel
	# said so), a panicked one 2 s for its last words.
	if [ -n "$end_at" ]; then
		grace=2
		if [ "$STOPPED" = "powered off" ]; then
			grace=30
			! grep -qaF -- 'reboot: Power down' <<<"$con" || grace=3
		fi
		if [ $(($(date +%s) - end_at)) -ge "$grace" ]; then
			msg "stopping Bochs (guest $STOPPED, Bochs still running)"
			stop_bochs
			break
		fi
	fi
done
set +e
wait "$SUB_PID"
brc=$?
set -e
SUB_PID=
if [ -n "$TAIL_PID" ]; then
	sleep 0.2
	kill "$TAIL_PID" 2>/dev/null || true
	wait "$TAIL_PID" 2>/dev/null || true
	TAIL_PID=
fi
WALL=$(elapsed)
# times: the shell's user and system time, then its children's (Bochs).
CPU=$(sed -n 2p "$WORKDIR/bochs.times" 2>/dev/null |
	awk '{ t = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] }
	       printf "%.1f", t }' || true)
timeline=
for key in isolinux kernel linux init tests finished; do
	[ -z "${SEEN[$key]:-}" ] || timeline="$timeline $key ${SEEN[$key]},"
done
msg "wall ${WALL}s, Bochs CPU ${CPU:-?}s; reached:${timeline:- nothing}${timeline:+ end ${WALL}s}"

# Bochs' own complaints (not the "RDMSR: Unknown register" noise of
# ignore_bad_msrs, not ALSA's).
if grep -aE '^[0-9]+[pe]\[' "$WORKDIR/bochs.log" 2>/dev/null |
	grep -avE '(RD|WR)MSR: Unknown register|ALSA' | sort -u -k2 | head -n 5 >"$WORKDIR/bochs.err" &&
	[ -s "$WORKDIR/bochs.err" ]; then
	sed 's/^/bochs: /' "$WORKDIR/bochs.err" >&2
fi
if grep -aq 'Bochs is exiting with the following message' "$WORKDIR/bochs.out"; then
	why=$(grep -aA1 'Bochs is exiting with the following message' "$WORKDIR/bochs.out" | tail -n1)
	case $why in
	*"soft power off"*) ;;
	*) msg "bochs: $why" ;;
	esac
fi

CLEAN=$(tr -d '\r' <"$LOG")
has() { grep -qaF -- "$1" <<<"$CLEAN"; }

fail_boot() {
	msg "FAILED after ${WALL}s: $*"
	msg "last console lines ($LOG):"
	tail -n 25 <<<"$CLEAN" | sed 's/^/    | /' >&2
	KEEP_WORK=1
	msg "Bochs files kept in $WORKDIR"
	printf '# %s: BOOT FAILED (%s), wall %ss, log %s\n' "$NAME" "$*" "$WALL" "$LOG"
	exit 3
}

if ! has EXITSTAT-E2E-DONE; then
	grep -aoE '(not )?ok( [0-9]+)? - .*' <<<"$CLEAN" || true
	why="no EXITSTAT-E2E-DONE marker"
	if [ "$brc" = 124 ] || [ "$brc" = 137 ]; then
		why="$why: timed out after ${TIMEOUT}s"
	elif [ -n "$STOPPED" ]; then
		why="$why: $STOPPED"
	elif [ "$brc" != 0 ] && [ "$brc" != 1 ]; then
		why="$why: Bochs exited with status $brc"
	fi
	if has 'Kernel panic'; then
		why="$why; $(grep -aoE 'Kernel panic.*' <<<"$CLEAN" | head -n1)"
	elif ! has 'Loading /initrd.gz...ok'; then
		why="$why; ISOLINUX did not load the kernel"
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
if [ "$DEFAULT_KLOG_IGNORE" = 1 ] && [ -n "$KLOG" ]; then
	for re in "${BOCHS_KLOG_RE[@]}"; do
		KLOG=$(grep -avE -- "$re" <<<"$KLOG" || true)
	done
fi
e2e_verdict
