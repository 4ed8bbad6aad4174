#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh - build the gzip'd cpio initramfs the e2e tests boot: static
# busybox, the KVM modules of one kernel (decompressed, with their
# dependencies), caller-supplied files and tests, and an /init (init.sh) that
# loads the modules, runs /tests/* and powers off.

set -euo pipefail

PROG=${0##*/}
HERE=$(cd "$(dirname "$0")" && pwd)

MODDIR=
OUT=
MODULES=()
NO_MODULES=0
MODPARAMS=()
ADDS=()
ELFS=()
L2=
TEST_TIMEOUT=120
KLOG_IGNORE=()
DEFAULT_KLOG_IGNORE=1
# Boot-time advisories of arch/x86/kernel/cpu/bugs.c about the emulated CPU's
# speculation bugs (e.g. "Speculative Return Stack Overflow: WARNING: See
# .../hw-vuln/srso.html" on -cpu EPYC).  Not bugs of the code under test.
HWVULN_RE='^\[ *[0-9.]+\] (Spectre V[12]|RETBleed|Speculative Return Stack Overflow|Speculative Store Bypass|MDS|TAA|MMIO Stale Data|SRBDS|GDS|RFDS|ITS|Transient Scheduler Attacks|VMSCAPE|L1TF|x86/bugs|Register File Data Sampling): '
# kmemleak's start-up lines on debug kernels, which say "leak".
KMEMLEAK_RE='kmemleak: (Kernel memory leak detector initialized|Automatic memory scanning thread (started|ended))'

usage() {
	cat <<EOF
Usage: $PROG --moddir DIR -o OUT.cpio.gz [OPTIONS]

Build an initramfs for the exitstat e2e harness.

Required
  --moddir DIR          the kernel's lib/modules/KVER (MODDIR from
                        scripts/fetch-kernel.sh; needs modules.dep)
  -o, --output FILE     where to write the gzip'd cpio archive

Options
  --module NAME         load module NAME (and what modules.dep says it needs)
                        at boot, in order; repeatable; default: kvm_amd
  --no-modules          load no kernel modules at boot
  --modparam MOD.P=V    bake a module parameter in, e.g. kvm_amd.npt=0;
                        repeatable. MOD.P=V on the kernel command line works
                        too (boot.sh --append), without rebuilding
  --add SRC:DEST        copy file or directory SRC to absolute path DEST in
                        the initramfs; repeatable
  --test FILE           shorthand for --add FILE:/tests/\$(basename FILE);
                        tests run in sorted name order, so name them NN-what
  --elf SRC[:DEST]      copy a dynamically linked program and the libraries
                        ldd lists for it (to their own paths); repeatable
  --l2 VMLINUZ:INITRD   what booting a second-level guest takes: QEMU
                        (/bin/qemu-system-x86_64, its libraries and
                        firmware), VMLINUZ as /l2/vmlinuz and INITRD as
                        /l2/initrd.gz
  --timeout SECS        per-test timeout in the guest (default $TEST_TIMEOUT;
                        e2e.timeout=SECS on the kernel command line overrides)
  --klog-ignore ERE     kernel log lines matching ERE are not reported in the
                        KLOG section; repeatable
  --no-default-klog-ignore
                        also report the CPU speculation-bug advisories and
                        kmemleak's start-up lines, ignored by default
  -h, --help            show this help

Always included: /bin/busybox (+ applet links made at boot), /init, and
/lib/e2e.sh (guest-lib.sh, assertion helpers for guest tests).

Example
  eval "\$(scripts/fetch-kernel.sh 6.1)"
  $PROG --moddir "\$MODDIR" -o /tmp/i.cpio.gz --modparam kvm_amd.npt=0 \\
      --add build/exitstat.ko:/lib/modules/exitstat.ko --test tests/e2e/guest/10-load.sh
EOF
}

# shellcheck source=../../scripts/lib.sh
. "$HERE/../../scripts/lib.sh"

while [ $# -gt 0 ]; do
	case $1 in
	-h|--help) usage; exit 0 ;;
	--moddir) needarg "$@"; MODDIR=$2; shift ;;
	-o|--output) needarg "$@"; OUT=$2; shift ;;
	--module) needarg "$@"; MODULES+=("$2"); shift ;;
	--no-modules) NO_MODULES=1 ;;
	--modparam) needarg "$@"; MODPARAMS+=("$2"); shift ;;
	--add) needarg "$@"; ADDS+=("$2"); shift ;;
	--test) needarg "$@"; ADDS+=("$2:/tests/${2##*/}"); shift ;;
	--elf) needarg "$@"; ELFS+=("$2"); shift ;;
	--l2) needarg "$@"; L2=$2; shift ;;
	--timeout) needarg "$@"; TEST_TIMEOUT=$2; shift ;;
	--klog-ignore) needarg "$@"; KLOG_IGNORE+=("$2"); shift ;;
	--no-default-klog-ignore) DEFAULT_KLOG_IGNORE=0 ;;
	*) usage_err "unknown argument '$1'" ;;
	esac
	shift
done

[ -n "$MODDIR" ] || usage_err "--moddir is required"
[ -n "$OUT" ] || usage_err "-o OUTPUT is required"
[[ $TEST_TIMEOUT =~ ^[0-9]+$ ]] || usage_err "--timeout wants whole seconds, got '$TEST_TIMEOUT'"
if [ -n "$L2" ]; then
	[[ $L2 == ?*:?* ]] || usage_err "--l2 wants VMLINUZ:INITRD, got '$L2'"
	ELFS+=(/usr/bin/qemu-system-x86_64:/bin/qemu-system-x86_64)
	ADDS+=(/usr/share/seabios/bios-256k.bin:/usr/share/qemu/bios-256k.bin
		/usr/share/qemu/linuxboot_dma.bin:/usr/share/qemu/linuxboot_dma.bin
		/usr/share/qemu/kvmvapic.bin:/usr/share/qemu/kvmvapic.bin
		"${L2%%:*}:/l2/vmlinuz" "${L2#*:}:/l2/initrd.gz")
fi
[ -d "$MODDIR" ] || die "module directory $MODDIR does not exist"
MODDIR=$(cd "$MODDIR" && pwd)
KVER=${MODDIR##*/}
[ -s "$MODDIR/modules.dep" ] || die "$MODDIR/modules.dep missing (run depmod, or use scripts/fetch-kernel.sh)"
ROOT=$(cd "$MODDIR/../../.." && pwd)
[ "$ROOT/lib/modules/$KVER" = "$MODDIR" ] || die "--moddir must be ROOT/lib/modules/KVER, got $MODDIR"

BUSYBOX=
for b in /bin/busybox /usr/bin/busybox; do
	# ldd fails on a static binary ("not a dynamic executable")
	if [ -x "$b" ] && ! ldd "$b" >/dev/null 2>&1; then
		BUSYBOX=$b
		break
	fi
done
if [ -z "$BUSYBOX" ]; then
	need_packages busybox-static
	BUSYBOX=/bin/busybox
fi
for tool in cpio gzip xz modprobe; do
	command -v "$tool" >/dev/null || die "'$tool' not found (Debian: apt-get install cpio gzip xz-utils kmod)"
done

if [ "$NO_MODULES" = 0 ] && [ ${#MODULES[@]} -eq 0 ]; then
	MODULES=(kvm_amd)
fi

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/exitstat-initramfs.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE"/{bin,sbin,dev,proc,sys,tmp,run,etc/e2e,lib,tests,usr/bin,usr/sbin}
mkdir -p "$STAGE/lib/modules/$KVER"
cp "$BUSYBOX" "$STAGE/bin/busybox"
ln -s busybox "$STAGE/bin/sh"
install -m 0755 "$HERE/init.sh" "$STAGE/init"
install -m 0644 "$HERE/guest-lib.sh" "$STAGE/lib/e2e.sh"
install -m 0755 "$HERE/run-test.sh" "$STAGE/lib/e2e-run.sh"
if [ "$(id -u)" = 0 ]; then
	mknod -m 600 "$STAGE/dev/console" c 5 1
	mknod -m 666 "$STAGE/dev/null" c 1 3
fi

# ---- kernel modules: resolve dependencies with the host's kmod --------------
EMPTYCONF=$STAGE/.modprobe.d
mkdir -p "$EMPTYCONF"
: >"$STAGE/etc/e2e/modules"
: >"$STAGE/lib/modules/$KVER/modules.dep"
declare -A SEEN=()
for m in "${MODULES[@]}"; do
	deps=$(modprobe -C "$EMPTYCONF" -d "$ROOT" -S "$KVER" --show-depends "$m" 2>&1) ||
		die "module '$m' not found for $KVER: $deps"
	while read -r kind path _; do
		[ "$kind" = insmod ] || continue	# "builtin NAME": nothing to load
		rel=${path#"$MODDIR"/}
		rel=${rel%.xz}
		rel=${rel%.zst}
		rel=${rel%.gz}
		name=${rel##*/}
		name=${name%.ko}
		name=${name//-/_}
		[ -z "${SEEN[$name]:-}" ] || continue
		SEEN[$name]=1
		dst=$STAGE/lib/modules/$KVER/$rel
		mkdir -p "${dst%/*}"
		case $path in
		*.ko.xz) xz -dc "$path" >"$dst" ;;
		*.ko.zst) zstd -qdc "$path" >"$dst" ;;
		*.ko.gz) gzip -dc "$path" >"$dst" ;;
		*.ko) cp "$path" "$dst" ;;
		*) die "unexpected module file $path" ;;
		esac
		printf '%s /lib/modules/%s/%s\n' "$name" "$KVER" "$rel" >>"$STAGE/etc/e2e/modules"
	done <<<"$deps"
done
# A modules.dep for the modules we ship, so busybox modprobe works in tests.
while read -r _ path; do
	rel=${path#/lib/modules/"$KVER"/}
	deps=$(grep -E "^${rel//./\\.}(\\.xz|\\.zst|\\.gz)?:" "$MODDIR/modules.dep" | head -n1 |
		cut -d: -f2 | sed -E 's/\.(xz|zst|gz)( |$)/\2/g')
	printf '%s:%s\n' "$rel" "$deps" >>"$STAGE/lib/modules/$KVER/modules.dep"
done <"$STAGE/etc/e2e/modules"

: >"$STAGE/etc/e2e/modparams"
for mp in "${MODPARAMS[@]}"; do
	[[ $mp =~ ^([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+=.*)$ ]] ||
		die "--modparam wants MODULE.PARAM=VALUE, got '$mp'"
	printf '%s %s\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" >>"$STAGE/etc/e2e/modparams"
done
printf 'TEST_TIMEOUT=%s\n' "$TEST_TIMEOUT" >"$STAGE/etc/e2e/config"
: >"$STAGE/etc/e2e/klog-ignore"
if [ "$DEFAULT_KLOG_IGNORE" = 1 ]; then
	printf '%s\n' "$HWVULN_RE" "$KMEMLEAK_RE" >>"$STAGE/etc/e2e/klog-ignore"
fi
for re in "${KLOG_IGNORE[@]}"; do
	printf '%s\n' "$re" >>"$STAGE/etc/e2e/klog-ignore"
done

# ---- caller files ------------------------------------------------------------
for a in "${ADDS[@]}"; do
	src=${a%%:*}
	dst=${a#*:}
	if [ "$src" = "$a" ] || [ -z "$dst" ]; then
		die "--add wants SRC:DEST, got '$a'"
	fi
	[[ $dst == /* ]] || die "--add DEST must be absolute, got '$dst'"
	[ -e "$src" ] || die "--add: $src does not exist"
	mkdir -p "$(dirname "$STAGE$dst")"
	if [ -d "$src" ]; then
		mkdir -p "$STAGE$dst"
		cp -a "$src/." "$STAGE$dst/"
	else
		cp -L --preserve=mode "$src" "$STAGE$dst"
	fi
done

for e in "${ELFS[@]}"; do
	src=${e%%:*}
	dst=${e#*:}
	[ "$src" != "$e" ] || dst=$src
	[ -f "$src" ] || die "--elf: $src does not exist"
	mkdir -p "$(dirname "$STAGE$dst")"
	cp -L --preserve=mode "$src" "$STAGE$dst"
	while read -r lib; do
		[ -n "$lib" ] || continue
		mkdir -p "$(dirname "$STAGE$lib")"
		[ -e "$STAGE$lib" ] || cp -L "$lib" "$STAGE$lib"
	done < <(ldd "$src" 2>/dev/null | grep -oE '(^|[[:space:]])/[^[:space:]]+' | tr -d '[:blank:]' | sort -u)
done

# ---- archive -----------------------------------------------------------------
rm -rf "$EMPTYCONF"
mkdir -p "$(dirname "$OUT")"
(cd "$STAGE" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --owner=0:0 --quiet) | gzip -6 >"$OUT.tmp" ||
	die "cpio/gzip failed writing $OUT"
mv "$OUT.tmp" "$OUT"
mods=$(cut -d' ' -f1 "$STAGE/etc/e2e/modules" | tr '\n' ' ')
msg "wrote $OUT ($(du -h "$OUT" | cut -f1); kernel $KVER; modules: ${mods:-(none)})"
