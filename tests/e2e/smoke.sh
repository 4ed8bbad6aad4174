#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# smoke.sh - prove the e2e harness end to end, for each Debian kernel series:
# fetch the kernel (scripts/fetch-kernel.sh), build the out-of-tree fixture
# tests/e2e/hello against its headers, build an initramfs, and boot it under
# QEMU TCG in three configurations, checking in the guest that kvm_amd is
# loaded with the expected NPT setting, /dev/kvm works and hello.ko loads and
# unloads (guest/10-smoke.sh).

set -euo pipefail

PROG=${0##*/}
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
SERIES_LIST=(6.1 6.12)
QUICK=0
VERBOSE=0
OFFLINE=0
TIMEOUT=180
WORK=

usage() {
	cat <<EOF
Usage: $PROG [OPTIONS]

For each kernel series: fetch, build tests/e2e/hello, and boot under QEMU:
  EPYC                      kvm_amd.npt must be Y
  EPYC + kvm_amd.npt=0      kvm_amd.npt must be N (parameter from cmdline)
  qemu64                    kvm_amd.npt must be N (CPU without NPT)
Prints every guest assertion, a line per boot with its wall time, and a
final count. Exit status 0 only if every assertion of every boot passed.

Options
  --series LIST     kernel series to test, comma-separated (default 6.1,6.12)
  --quick           only the EPYC and npt=0 boots
  --offline         use cached kernels only (fetch-kernel.sh --offline)
  --timeout SECS    per-boot limit (default $TIMEOUT)
  --workdir DIR     keep build products and console logs in DIR
                    (default: a temporary directory, removed on success)
  -v, --verbose     show the guest consoles while they run
  -h, --help        show this help

Environment: EXITSTAT_CACHE (see scripts/fetch-kernel.sh --help).
EOF
}

# shellcheck source=../../scripts/lib.sh
. "$HERE/../../scripts/lib.sh"
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

while [ $# -gt 0 ]; do
	case $1 in
	-h|--help) usage; exit 0 ;;
	--series) needarg "$@"; IFS=, read -r -a SERIES_LIST <<<"$2"; shift ;;
	--quick) QUICK=1 ;;
	--offline) OFFLINE=1 ;;
	--timeout) needarg "$@"; TIMEOUT=$2; shift ;;
	--workdir) needarg "$@"; WORK=$2; shift ;;
	-v|--verbose) VERBOSE=1 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done

KEEP=1
if [ -z "$WORK" ]; then
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/exitstat-smoke.XXXXXX")
	KEEP=0
fi
mkdir -p "$WORK"

fetch_args=()
[ "$OFFLINE" = 0 ] || fetch_args+=(--offline)
boot_args=(--timeout "$TIMEOUT")
[ "$VERBOSE" = 0 ] || boot_args+=(--verbose)

total_ok=0
total_notok=0
failed_boots=0
summary=()
t_all=$(now)

for series in "${SERIES_LIST[@]}"; do
	msg "=== kernel series $series"
	t=$(now)
	if ! env=$("$TOP/scripts/fetch-kernel.sh" "${fetch_args[@]}" "$series"); then
		echo "not ok - $series fetch: scripts/fetch-kernel.sh $series failed"
		total_notok=$((total_notok + 1))
		failed_boots=$((failed_boots + 1))
		summary+=("$series: fetch FAILED")
		continue
	fi
	t_fetch=$(since "$t")
	KVER='' VMLINUZ='' MODDIR='' KDIR=''
	eval "$env"
	msg "$KVER fetched in ${t_fetch}s"

	t=$(now)
	build=$WORK/$KVER/hello
	rm -rf "$build"
	mkdir -p "$build"
	cp "$HERE/hello/Kbuild" "$HERE/hello/hello.c" "$build/"
	if ! make -C "$KDIR" M="$build" modules >"$WORK/$KVER/hello-build.log" 2>&1 ||
		[ ! -f "$build/hello.ko" ]; then
		sed 's/^/    | /' "$WORK/$KVER/hello-build.log" | tail -n 20 >&2
		echo "not ok - $KVER hello build: make -C KDIR M=... modules failed (log $WORK/$KVER/hello-build.log)"
		total_notok=$((total_notok + 1))
		failed_boots=$((failed_boots + 1))
		summary+=("$KVER: hello build FAILED")
		KEEP=1
		continue
	fi
	echo "ok - $KVER hello build"
	total_ok=$((total_ok + 1))
	t_build=$(since "$t")

	t=$(now)
	initrd=$WORK/$KVER/initrd.cpio.gz
	"$HERE/mkinitramfs.sh" --moddir "$MODDIR" -o "$initrd" --timeout 60 \
		--add "$build/hello.ko:/lib/modules/hello.ko" \
		--test "$HERE/guest/10-smoke.sh"
	t_initrd=$(since "$t")
	msg "$KVER: fetch ${t_fetch}s, hello build ${t_build}s, initramfs ${t_initrd}s"
	summary+=("$KVER: fetch ${t_fetch}s, hello build ${t_build}s, initramfs ${t_initrd}s")

	# cpu model | extra kernel command line | expected kvm_amd npt
	configs=("EPYC||Y" "EPYC|kvm_amd.npt=0|N")
	[ "$QUICK" = 1 ] || configs+=("qemu64||N")
	for c in "${configs[@]}"; do
		IFS='|' read -r cpu extra npt <<<"$c"
		name="$KVER $cpu${extra:+ $extra}"
		tag=$(tr -c 'A-Za-z0-9.+_-' '_' <<<"$cpu${extra:+-$extra}")
		tag=${tag%_}
		out=$WORK/$KVER/$tag.out
		set +e
		"$HERE/boot.sh" --kernel "$VMLINUZ" --initrd "$initrd" --cpu "$cpu" \
			--append "smoke.npt=$npt${extra:+ $extra}" --name "$name" --log "$WORK/$KVER/$tag.log" \
			"${boot_args[@]}" | tee "$out"
		rc=${PIPESTATUS[0]}
		set -e
		n_ok=$(grep -c '^ok - ' "$out" || true)
		n_notok=$(grep -c '^not ok - ' "$out" || true)
		total_ok=$((total_ok + n_ok))
		total_notok=$((total_notok + n_notok))
		if [ "$rc" != 0 ]; then
			failed_boots=$((failed_boots + 1))
			KEEP=1
			# A boot that failed without a "not ok" line still counts as one.
			if [ "$n_notok" = 0 ]; then
				echo "not ok - $name: boot failed (boot.sh exit $rc)"
				total_notok=$((total_notok + 1))
			fi
		fi
		summary+=("  $(grep '^# ' "$out" | tail -n1 | sed 's/^# //')")
	done
done

echo "# ---- summary (total wall $(since "$t_all")s)"
for s in "${summary[@]}"; do
	echo "# $s"
done
echo "# $total_ok ok, $total_notok not ok, $failed_boots failed step(s)"
if [ "$KEEP" = 0 ]; then
	rm -rf "$WORK"
else
	echo "# logs and build products kept in $WORK"
fi
[ "$total_notok" = 0 ] && [ "$failed_boots" = 0 ]
