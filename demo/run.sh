#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boot a real Linux guest inside nested KVM with exitstat.ko
# counting, BOOTS times with nested paging on and BOOTS times with it off
# (shadow paging), record every boot with exitstat record, and analyse the
# recordings into a report with plots (demo/analyse.sh).
#
# The outer guest runs Debian's kernel under QEMU's emulator with an AMD
# CPU model, so kvm_amd is real; the inner guest is the same kernel with a
# busybox userspace that also reads its own exits through CPUID.
set -euo pipefail

PROG=${0##*/}
TOP=$(cd "$(dirname "$0")/.." && pwd)
E2E=$TOP/tests/e2e
SERIES=6.1
BOOTS=5
OUT=$TOP/results
OFFLINE=()
STEPS=8
step_no=0

usage() {
	cat <<EOF
Usage: $PROG [--boots N] [--series 6.1|6.12] [--out DIR] [--offline]

Boots a Linux guest N times (default $BOOTS) with nested paging on and N
times with it off, inside a nested KVM guest under QEMU, records every boot
with exitstat, and writes DIR/boot-report.md with plots (default
$OUT).  Takes a few minutes on 2 cores.

EXAMPLES:
  make demo                           # the whole thing
  demo/run.sh --boots 2 --out /tmp/r  # a quicker look
EOF
}

die() { printf '%s: %s\n' "$PROG" "$*" >&2; exit 2; }
step() {
	step_no=$((step_no + 1))
	printf '[%d/%d] %s\n' "$step_no" "$STEPS" "$*"
}

while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--boots) [ $# -ge 2 ] || die "--boots needs a number"
		[[ $2 =~ ^[1-9][0-9]?$ ]] || die "--boots wants 1 to 99, got '$2'"
		BOOTS=$2; shift ;;
	--series) [ $# -ge 2 ] || die "--series needs 6.1 or 6.12"
		SERIES=$2; shift ;;
	--out) [ $# -ge 2 ] || die "--out needs a directory"
		OUT=$2; shift ;;
	--offline) OFFLINE=(--offline) ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done

WORK=$TOP/build/demo
rm -rf "$WORK" "$OUT/raw"
mkdir -p "$WORK" "$OUT/raw"

step "installing what is missing (Debian packages)"
"$TOP/scripts/install-deps.sh" demo

step "building exitstat (and a static copy for the guests)"
make -s -C "$TOP" all static

step "fetching Debian's $SERIES kernel (image and headers, not installed)"
eval "$("$TOP/scripts/fetch-kernel.sh" "${OFFLINE[@]}" "$SERIES")"
echo "    kernel $KVER"

step "building exitstat.ko for $KVER"
cp -rL "$TOP/kmod/." "$WORK/kmod/"
make -s -C "$KDIR" M="$WORK/kmod" modules >"$WORK/kmod.log" 2>&1 ||
	{ tail -n 20 "$WORK/kmod.log"; die "module build failed"; }

step "building the initramfs of both guests"
"$E2E/mkl2initramfs.sh" -o "$WORK/l2.gz" \
	--add "$TOP/build/static/exitstat:/bin/exitstat" \
	--test "$TOP/demo/l2-phases.sh" \
	--test "$E2E/l2/exitstat-guest.sh"
"$E2E/mkinitramfs.sh" --moddir "$MODDIR" -o "$WORK/l1.gz" \
	--module kvm_amd --module virtio_pci --module virtio_blk \
	--timeout 3600 \
	--add "$WORK/kmod/exitstat.ko:/lib/modules/exitstat.ko" \
	--add "$TOP/build/static/exitstat:/bin/exitstat" \
	--l2 "$VMLINUZ:$WORK/l2.gz" \
	--test "$TOP/demo/guest.sh" >/dev/null

# run_mode MODE APPEND: one outer boot running BOOTS inner boots.
run_mode() {
	local mode=$1 append=$2 disk=$WORK/$1.disk log=$OUT/raw/$1-console.log
	local pid seen=0 n status=0
	truncate -s 512M "$disk"
	"$E2E/boot.sh" --kernel "$VMLINUZ" --initrd "$WORK/l1.gz" --cpu EPYC \
		--append "demo.mode=$mode demo.boots=$BOOTS $append" \
		--qemu-arg -drive --qemu-arg "file=$disk,format=raw,if=virtio" \
		--name "demo $mode" --log "$log" --timeout 3600 \
		>"$WORK/$mode.out" 2>&1 &
	pid=$!
	while kill -0 $pid 2>/dev/null; do
		n=$(grep -ac 'EXITSTAT-DEMO-' "$log" 2>/dev/null || true)
		if [ "${n:-0}" -gt "$seen" ]; then
			grep -a 'EXITSTAT-DEMO-' "$log" | sed -n "$((seen + 1)),${n}p" |
				sed -e 's/.*EXITSTAT-DEMO-PROGRESS /    /' \
				    -e 's/.*EXITSTAT-DEMO-HEARTBEAT /      still going: /'
			seen=$n
		fi
		sleep 1
	done
	wait $pid || status=$?
	tar -xf "$disk" -C "$OUT/raw" 2>/dev/null && [ -d "$OUT/raw/$mode" ] ||
		die "no results came back from the $mode run (console log: $log)"
	rm -f "$disk"
	if [ "${status:-0}" != 0 ]; then
		sed 's/^/    | /' "$WORK/$mode.out" | tail -n 30
		die "the $mode run failed (console log: $log, results: $OUT/raw/$mode)"
	fi
}

step "booting Linux $BOOTS times with nested paging on, and recording"
run_mode npt ""
step "booting Linux $BOOTS times with nested paging off (shadow paging)"
run_mode shadow "kvm_amd.npt=0"

step "analysing the recordings"
"$TOP/demo/analyse.sh" --exitstat "$TOP/build/plain/exitstat" \
	--kernel "$KVER" "$OUT"
