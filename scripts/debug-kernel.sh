#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# debug-kernel.sh - build a small debug kernel (KASAN, lockdep, atomic-sleep
# checks, PROVE_RCU, kmemleak) from Debian bookworm's linux-source package of
# a series, for tests/e2e/debug-kernel.sh.  The source package is downloaded
# with apt-get download and extracted, never installed.
#
# Stdout carries only shell-sourceable KEY=VALUE lines, in the format of
# scripts/fetch-kernel.sh; progress goes to stderr.

set -euo pipefail

PROG=${0##*/}
CACHE=${EXITSTAT_CACHE:-$HOME/.cache/exitstat}
WORK=$CACHE/debug-kernel
SERIES=6.12
JOBS=2
OFFLINE=0
FORCE=0
CONFIG_ONLY=0
FUNCTION_TRACER=1
LOCALVER=-exitstat-debug

usage() {
	cat <<EOF
Usage: $PROG [--series 6.1|6.12] [--workdir DIR] [--jobs N] [OPTIONS]

Download Debian bookworm's linux-source-SERIES (apt-get download, dpkg-deb
-x; nothing installed), configure a small x86_64 kernel with the kernel's
own debug checkers and build it, niced, with its modules.  A tree already
built with the same source version and the same .config is reused.

  KASAN (generic, inline, + vmalloc)   PROVE_LOCKING (lockdep)
  DEBUG_ATOMIC_SLEEP                   PROVE_RCU
  DEBUG_KMEMLEAK (no automatic scan: the e2e test scans itself)
  + DEBUG_LIST, DEBUG_PREEMPT; no debug info, no module signing

KVM, kvm_amd and kvm_intel are modules, as in Debian's kernels.  What the
e2e initramfs and exitstat.ko need (serial console, devtmpfs, gzip'd
initrd, tracepoints, kprobes, kretprobes, kallsyms, debugfs) is built in;
networking, graphics, sound, USB, storage and most file systems are not.
The function tracer is on, as in Debian's kernels, so that a kprobe on a
function's entry runs from ftrace (KPROBES_ON_FTRACE) as it does there,
not from the int3 trap, which x86 handles as an NMI.

Options
  --series S    6.1 or 6.12 (default $SERIES)
  --workdir D   where sources, build trees and results go
                (default \$EXITSTAT_CACHE/debug-kernel = $WORK)
  --jobs N      make -jN (default $JOBS)
  --offline     do not ask apt; use the newest source already extracted
  --force       rebuild from a clean tree even if the build is cached
  --config-only write and check the .config, print it, build nothing
  --no-function-tracer
                build without FUNCTION_TRACER: kprobes then fire from int3
                (NMI context to lockdep), as on kernels without
                KPROBES_ON_FTRACE; the next build without the option
                rebuilds the whole tree again
  -h, --help    show this help

Build prerequisites (gcc make bc bison flex libelf-dev libssl-dev kmod
cpio xz-utils) are installed with apt-get when missing and running as root.
The build runs under 'nice -n 19 ionice -c3'; its log is
WORKDIR/build-SERIES.log.

Output (stdout, shell-sourceable, as scripts/fetch-kernel.sh):
  KVER=6.12.N$LOCALVER          kernel release (uname -r)
  VMLINUZ=/.../boot/vmlinuz-KVER          bootable kernel image
  MODDIR=/.../lib/modules/KVER            modules with modules.dep
  KDIR=/.../linux-SERIES                  the build tree, for make -C KDIR M=DIR

Example
  eval "\$($PROG --series 6.12)"; make -C "\$KDIR" M="\$PWD" modules
EOF
}

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

while [ $# -gt 0 ]; do
	case $1 in
	-h|--help) usage; exit 0 ;;
	--series) needarg "$@"; SERIES=$2; shift ;;
	--workdir) needarg "$@"; WORK=$2; shift ;;
	--jobs) needarg "$@"; JOBS=$2; shift ;;
	--offline) OFFLINE=1 ;;
	--force) FORCE=1 ;;
	--config-only) CONFIG_ONLY=1 ;;
	--no-function-tracer) FUNCTION_TRACER=0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
case $SERIES in
6.1|6.12) ;;
*) die "unsupported series '$SERIES' (use 6.1 or 6.12)" ;;
esac
[[ $JOBS =~ ^[1-9][0-9]*$ ]] || die "--jobs wants a positive number, got '$JOBS'"

mkdir -p "$WORK" || die "cannot create $WORK"
WORK=$(cd "$WORK" && pwd)
SRC=$WORK/linux-$SERIES		# the source and build tree (KDIR)
ROOT=$WORK/root-$SERIES		# boot/vmlinuz-KVER, lib/modules/KVER
LOG=$WORK/build-$SERIES.log
PKG=linux-source-$SERIES

exec 9>"$WORK/.lock-$SERIES"
flock 9 || die "cannot lock $WORK/.lock-$SERIES"

# ---- build prerequisites -----------------------------------------------------
need_packages gcc make bc bison flex libelf-dev libssl-dev kmod cpio xz-utils

# ---- the source --------------------------------------------------------------
# $SRC/.exitstat-source holds the package version the tree was extracted from.
have_ver=
[ -f "$SRC/.exitstat-source" ] && have_ver=$(cat "$SRC/.exitstat-source")
if [ "$OFFLINE" = 1 ]; then
	[ -n "$have_ver" ] || die "--offline: no extracted $PKG in $SRC (run once without --offline)"
	VER=$have_ver
	msg "offline: using $PKG $VER in $SRC"
else
	command -v apt-cache >/dev/null || die "apt-cache not found (a Debian system is needed, or --offline)"
	VER=$(apt_candidate "$PKG")
	if [ -z "$VER" ] && [ "$(id -u)" = 0 ]; then
		msg "apt knows no $PKG: apt-get update"
		apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
		VER=$(apt_candidate "$PKG")
	fi
	[ -n "$VER" ] || die "apt-cache knows no $PKG (bookworm-security or -backports in sources.list?)"
	msg "$PKG: $VER"
fi

if [ "$have_ver" != "$VER" ] || [ "$FORCE" = 1 ]; then
	DEBS=$WORK/debs
	mkdir -p "$DEBS"
	deb=$(find "$DEBS" -maxdepth 1 -name "${PKG}_${VER//:/%3a}_*.deb" -print -quit)
	if [ -z "$deb" ]; then
		[ "$OFFLINE" = 0 ] || die "--offline --force: $PKG $VER is no longer downloaded; run without --offline"
		msg "downloading $PKG=$VER"
		deb=$(apt_download "$PKG=$VER" "$DEBS")
	fi
	msg "extracting ${deb##*/}"
	rm -rf "$WORK/.x-$SERIES" "$SRC" "$ROOT"
	mkdir -p "$WORK/.x-$SERIES"
	dpkg-deb -x "$deb" "$WORK/.x-$SERIES" || die "dpkg-deb -x $deb failed (delete it and retry)"
	tarball=$WORK/.x-$SERIES/usr/src/$PKG.tar.xz
	[ -f "$tarball" ] || die "no usr/src/$PKG.tar.xz in ${deb##*/}"
	nice -n 19 ionice -c3 tar -xJf "$tarball" -C "$WORK/.x-$SERIES" ||
		die "cannot extract $tarball"
	[ -f "$WORK/.x-$SERIES/$PKG/Makefile" ] || die "no $PKG/Makefile in $tarball"
	mv "$WORK/.x-$SERIES/$PKG" "$SRC"
	rm -rf "$WORK/.x-$SERIES"
	rm -f "$deb"	# 140-150 MB, and the tree is there now
	printf '%s\n' "$VER" >"$SRC/.exitstat-source"
fi

# ---- the configuration -------------------------------------------------------
# Applied with scripts/config over x86_64_defconfig, then make olddefconfig.
CFG_ARGS=(
	# kernel release: VERSION.PATCHLEVEL.SUBLEVEL-exitstat-debug
	--set-str LOCALVERSION "$LOCALVER" -d LOCALVERSION_AUTO
	# modules as in Debian: KVM modular, unloadable, unsigned
	-e MODULES -e MODULE_UNLOAD -d MODULE_SIG -d MODVERSIONS
	-e VIRTUALIZATION -m KVM -m KVM_AMD -m KVM_INTEL
	# what the e2e initramfs needs
	-e SERIAL_8250 -e SERIAL_8250_CONSOLE -e DEVTMPFS -e DEVTMPFS_MOUNT
	-e BLK_DEV_INITRD -e RD_GZIP -e TMPFS -e PROC_FS -e SYSFS
	-e UNIX98_PTYS -e ACPI
	# what exitstat.ko uses: kvm_exit/kvm_entry tracepoints, a kretprobe on
	# kvm_cpuid, a kprobe on kvm_arch_destroy_vm
	-e FTRACE -e KPROBES -e KRETPROBES -e KALLSYMS -e KALLSYMS_ALL
	-e DEBUG_FS -e DEBUG_FS_ALLOW_ALL
	# the checkers
	-e DEBUG_KERNEL
	-e KASAN -e KASAN_GENERIC -e KASAN_INLINE -d KASAN_OUTLINE
	-e KASAN_VMALLOC
	-e PROVE_LOCKING -e DEBUG_ATOMIC_SLEEP -e PROVE_RCU
	--set-val LOCKDEP_BITS 16 --set-val LOCKDEP_CHAINS_BITS 17
	--set-val LOCKDEP_STACK_TRACE_BITS 20
	-e DEBUG_KMEMLEAK -d DEBUG_KMEMLEAK_DEFAULT_OFF
	-d DEBUG_KMEMLEAK_AUTO_SCAN --set-val DEBUG_KMEMLEAK_MEM_POOL_SIZE 32000
	-e DEBUG_LIST -e DEBUG_PREEMPT
	# smaller and faster to build: no debug info, and nothing the guest
	# (serial console, initramfs, no disk, no network) does not use
	-e DEBUG_INFO_NONE -d DEBUG_INFO -d DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT
	-d DEBUG_INFO_BTF
	-d NET -d DRM -d SOUND -d USB_SUPPORT -d HID -d AGP -d FB
	-d SCSI -d ATA -d MD -d BLK_DEV_SD -d EXT4_FS -d NFS_FS -d VFAT_FS
	-d MSDOS_FS -d ISO9660_FS -d QUOTA -d AUTOFS_FS -d FUSE_FS
	-d INPUT_MOUSE -d INPUT_JOYSTICK -d INPUT_TABLET -d INPUT_TOUCHSCREEN
	-d HIBERNATION -d SUSPEND -d EFI -d NUMA -d X86_MCE
	-d CPU_SUP_CENTAUR -d CPU_SUP_ZHAOXIN -d RANDOMIZE_BASE
	-d SECURITY -d AUDIT -d PROFILING
	--set-val NR_CPUS 8
	# Debian's timer frequency
	-d HZ_1000 -e HZ_250
)
# Debian's kernels have the function tracer; kprobes on function entries
# then go through ftrace.
if [ "$FUNCTION_TRACER" = 1 ]; then
	CFG_ARGS+=(-e FUNCTION_TRACER -e DYNAMIC_FTRACE -e KPROBES_ON_FTRACE)
else
	CFG_ARGS+=(-d FUNCTION_TRACER)
fi
# Options that must come out =y (or =m) of olddefconfig.
REQUIRED=(
	MODULES=y MODULE_UNLOAD=y KVM=m KVM_AMD=m KVM_INTEL=m
	SERIAL_8250=y SERIAL_8250_CONSOLE=y DEVTMPFS=y BLK_DEV_INITRD=y
	RD_GZIP=y TMPFS=y PROC_FS=y SYSFS=y
	TRACEPOINTS=y FTRACE=y KPROBES=y KRETPROBES=y KALLSYMS=y DEBUG_FS=y
	KASAN=y KASAN_GENERIC=y KASAN_INLINE=y KASAN_VMALLOC=y
	PROVE_LOCKING=y LOCKDEP=y DEBUG_ATOMIC_SLEEP=y PROVE_RCU=y
	DEBUG_KMEMLEAK=y DEBUG_LIST=y DEBUG_PREEMPT=y DEBUG_INFO_NONE=y
)
# ... and options that must not be set.
FORBIDDEN=(
	MODULE_SIG MODULE_SIG_FORCE DEBUG_KMEMLEAK_DEFAULT_OFF
	DEBUG_KMEMLEAK_AUTO_SCAN DEBUG_INFO_BTF
)
if [ "$FUNCTION_TRACER" = 1 ]; then
	REQUIRED+=(FUNCTION_TRACER=y DYNAMIC_FTRACE=y KPROBES_ON_FTRACE=y)
else
	FORBIDDEN+=(FUNCTION_TRACER KPROBES_ON_FTRACE)
fi

# Write the .config we want to $SRC/.config.exitstat-new; the build tree's
# own .config is left alone until we know it differs.
NEW=.config.exitstat-new
(cd "$SRC" && make -s KCONFIG_CONFIG="$NEW" x86_64_defconfig >&2 &&
	scripts/config --file "$NEW" "${CFG_ARGS[@]}" &&
	make -s KCONFIG_CONFIG="$NEW" olddefconfig >&2) ||
	die "could not make the configuration (see above)"
bad=0
summary=()
for r in "${REQUIRED[@]}"; do
	o=${r%%=*}
	want=${r#*=}
	got=$(sed -n "s/^CONFIG_$o=//p" "$SRC/$NEW")
	summary+=("$o=${got:-n}")
	if [ "$got" != "$want" ]; then
		msg "config: CONFIG_$o is '${got:-not set}', want $want"
		bad=1
	fi
done
for o in "${FORBIDDEN[@]}"; do
	if grep -q "^CONFIG_$o=" "$SRC/$NEW"; then
		msg "config: CONFIG_$o is set, must not be"
		bad=1
	fi
done
msg "config: ${summary[*]}"
msg "config: $(grep -c '=y$' "$SRC/$NEW") options =y, $(grep -c '=m$' "$SRC/$NEW") =m"
[ "$bad" = 0 ] || die "the configuration lacks what the tests need (see above)"
if [ "$CONFIG_ONLY" = 1 ]; then
	cat "$SRC/$NEW" >&2
	rm -f "$SRC/$NEW"
	exit 0
fi

# LOCALVERSION_AUTO is off and the tree is no git checkout: the release is
# the version plus LOCALVERSION (checked against the build's own below).
KVER=$(cd "$SRC" && make -s kernelversion 2>/dev/null | tail -n1)$LOCALVER
[[ $KVER == "$SERIES".*"$LOCALVER" ]] || die "unexpected kernel release '$KVER'"

emit() {
	printf 'KVER=%s\n' "$KVER"
	printf 'VMLINUZ=%s\n' "$ROOT/boot/vmlinuz-$KVER"
	printf 'MODDIR=%s\n' "$ROOT/lib/modules/$KVER"
	printf 'KDIR=%s\n' "$SRC"
}

# $ROOT/.complete: source version and config checksum of the finished build.
stamp="$VER $(sha256sum "$SRC/$NEW" | cut -d' ' -f1)"
if [ "$FORCE" = 0 ] && [ -f "$ROOT/.complete" ] && [ "$(cat "$ROOT/.complete")" = "$stamp" ] &&
	cmp -s "$SRC/$NEW" "$SRC/.config" && [ -f "$ROOT/boot/vmlinuz-$KVER" ] &&
	[ -s "$ROOT/lib/modules/$KVER/modules.dep" ]; then
	rm -f "$SRC/$NEW"
	msg "cached: $KVER in $ROOT"
	emit
	exit 0
fi

# ---- build -------------------------------------------------------------------
rm -f "$ROOT/.complete"
if ! cmp -s "$SRC/$NEW" "$SRC/.config"; then
	mv "$SRC/$NEW" "$SRC/.config"
else
	rm -f "$SRC/$NEW"
fi
msg "building $KVER with -j$JOBS under nice -n 19 ionice -c3 (log $LOG); this takes a while"
start=$(date +%s)
if ! (cd "$SRC" && nice -n 19 ionice -c3 make -j"$JOBS" bzImage modules) >"$LOG" 2>&1; then
	tail -n 40 "$LOG" | sed 's/^/    | /' >&2
	die "kernel build failed (log $LOG)"
fi
end=$(date +%s)
msg "built in $((end - start)) s"
got=$(cat "$SRC/include/config/kernel.release" 2>/dev/null || true)
[ "$got" = "$KVER" ] || die "the build says its release is '$got', expected '$KVER'"

rm -rf "$ROOT"
mkdir -p "$ROOT/boot"
if ! (cd "$SRC" && nice -n 19 make -s INSTALL_MOD_PATH="$ROOT" INSTALL_MOD_STRIP=1 \
	modules_install) >>"$LOG" 2>&1; then
	tail -n 20 "$LOG" | sed 's/^/    | /' >&2
	die "make modules_install failed (log $LOG)"
fi
cp "$SRC/arch/x86/boot/bzImage" "$ROOT/boot/vmlinuz-$KVER"
cp "$SRC/System.map" "$ROOT/boot/System.map-$KVER"
cp "$SRC/.config" "$ROOT/boot/config-$KVER"
# The build and source links point into the tree; the harness never uses them.
rm -f "$ROOT/lib/modules/$KVER/build" "$ROOT/lib/modules/$KVER/source"
[ -s "$ROOT/lib/modules/$KVER/modules.dep" ] || die "modules_install left no modules.dep"
printf '%s\n' "$stamp" >"$ROOT/.complete"
msg "ready: $KVER ($(du -h "$ROOT/boot/vmlinuz-$KVER" | cut -f1) bzImage)"
emit
