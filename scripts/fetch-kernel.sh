#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-kernel.sh - fetch the current Debian bookworm amd64 kernel of a series
# (image, modules and the headers needed to build out-of-tree modules) into a
# private cache, without installing anything from it.
#
# Stdout carries only shell-sourceable KEY=VALUE lines; progress goes to stderr.

set -euo pipefail

PROG=${0##*/}
CACHE=${EXITSTAT_CACHE:-$HOME/.cache/exitstat}
OFFLINE=0
KEEP_DEBS=0
FORCE=0
SERIES=

usage() {
	cat <<EOF
Usage: $PROG [OPTIONS] SERIES

Fetch the current Debian bookworm amd64 kernel of SERIES (6.1 or 6.12) with
apt-get download + dpkg-deb -x into the exitstat cache, fix up its headers so
out-of-tree modules build against them, and run depmod on its modules.
Nothing is installed from the kernel packages; build prerequisites (gcc of
the version the kernel was built with, make, kmod, ...) are installed with
apt-get when they are missing.

SERIES
  6.1    the kernel the metapackage linux-image-amd64 points to
  6.12   the newest linux-image-6.12.*+deb12-amd64

Options
  --offline     do not ask apt; use the newest complete cached kernel of SERIES
  --force       re-fetch even if the kernel is already cached
  --keep-debs   keep the downloaded .deb files (CACHE/debs) after extraction
  -h, --help    show this help

Environment
  EXITSTAT_CACHE   cache directory (default: \$HOME/.cache/exitstat);
                   kernels go to \$EXITSTAT_CACHE/kernels/KVER/

Output (stdout, shell-sourceable):
  KVER=6.1.0-NN-amd64         kernel release (uname -r)
  VMLINUZ=/.../vmlinuz-KVER   bootable kernel image
  MODDIR=/.../lib/modules/KVER  modules with modules.dep
  KDIR=/.../usr/src/linux-headers-KVER  for make -C KDIR M=DIR modules

Examples
  eval "\$($PROG 6.12)"; make -C "\$KDIR" M="\$PWD" modules
  $PROG --offline 6.1
EOF
}

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

while [ $# -gt 0 ]; do
	case $1 in
	-h|--help) usage; exit 0 ;;
	--offline) OFFLINE=1 ;;
	--force) FORCE=1 ;;
	--keep-debs) KEEP_DEBS=1 ;;
	-*) die "unknown option '$1' (see --help)" ;;
	*)
		[ -z "$SERIES" ] || die "only one SERIES allowed (see --help)"
		SERIES=$1 ;;
	esac
	shift
done
[ -n "$SERIES" ] || { usage >&2; exit 2; }
case $SERIES in
6.1|6.12) ;;
*) die "unsupported SERIES '$SERIES' (use 6.1 or 6.12)" ;;
esac

KERNELS=$CACHE/kernels
mkdir -p "$KERNELS" || die "cannot create cache directory $KERNELS"

# Print the KEY=VALUE lines for a complete cached kernel directory.
emit() {
	local dir=$1 kver=$2
	printf 'KVER=%s\n' "$kver"
	printf 'VMLINUZ=%s\n' "$dir/boot/vmlinuz-$kver"
	printf 'MODDIR=%s\n' "$dir/lib/modules/$kver"
	printf 'KDIR=%s\n' "$dir/usr/src/linux-headers-$kver"
}

# Does KVER belong to SERIES?  6.1 -> 6.1.0-N-amd64, 6.12 -> 6.12.N+deb12-amd64
in_series() {
	case $SERIES in
	6.1) [[ $1 =~ ^6\.1\.0-[0-9]+-amd64$ ]] ;;
	6.12) [[ $1 =~ ^6\.12\.[0-9]+\+deb12-amd64$ ]] ;;
	esac
}

if [ "$OFFLINE" = 1 ]; then
	best=
	for d in "$KERNELS"/*/; do
		d=${d%/}
		k=${d##*/}
		if [ ! -f "$d/.complete" ] || ! in_series "$k"; then
			continue
		fi
		best=$(printf '%s\n%s\n' "$best" "$k" | sed '/^$/d' | sort -V | tail -n1)
	done
	[ -n "$best" ] || die "--offline: no complete $SERIES kernel in $KERNELS (run once without --offline)"
	msg "offline: using cached $best"
	emit "$KERNELS/$best" "$best"
	exit 0
fi

if ! command -v apt-cache >/dev/null || ! command -v apt-get >/dev/null; then
	die "apt-cache/apt-get not found: this script needs a Debian system (or use --offline)"
fi

# A machine that never ran apt-get update knows no packages yet.
if [ -z "$(apt-cache pkgnames linux-image-6. 2>/dev/null | head -n1)" ] &&
	[ "$(id -u)" = 0 ]; then
	msg "apt knows no kernel packages yet: apt-get update"
	apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
fi

# ---- find the current kernel of the series ---------------------------------
case $SERIES in
6.1)
	v=$(apt_candidate linux-image-amd64)
	[ -n "$v" ] || die "apt-cache knows no linux-image-amd64 (run apt-get update? is bookworm in sources.list?)"
	img=$(apt-cache show "linux-image-amd64=$v" | sed -n 's/^Depends: //p' | head -n1 |
		tr ',' '\n' | sed -n 's/^ *\(linux-image-[^ ]*\).*/\1/p' | head -n1)
	[ -n "$img" ] || die "cannot read the image package linux-image-amd64 $v depends on"
	;;
6.12)
	img=$(apt-cache pkgnames linux-image-6.12. |
		grep -E '^linux-image-6\.12\.[0-9]+\+deb12-amd64$' | sort -V | tail -n1 || true)
	[ -n "$img" ] || die "apt-cache knows no linux-image-6.12.*+deb12-amd64 (run apt-get update? bookworm-backports/security in sources.list?)"
	;;
esac
KVER=${img#linux-image-}
in_series "$KVER" || die "found $img, which is not a $SERIES kernel"
VER=$(apt_candidate "$img")
[ -n "$VER" ] || die "package $img has no installable candidate version"
msg "current $SERIES kernel: $KVER (package version $VER)"

DEST=$KERNELS/$KVER
if [ "$FORCE" = 0 ] && [ -f "$DEST/.complete" ] && [ "$(cat "$DEST/.complete")" = "$VER" ]; then
	msg "cached: $DEST"
	emit "$DEST" "$KVER"
	exit 0
fi

# ---- serialise concurrent fetches of the same kernel ------------------------
exec 9>"$KERNELS/.lock-$KVER"
flock 9 || die "cannot lock $KERNELS/.lock-$KVER"
if [ "$FORCE" = 0 ] && [ -f "$DEST/.complete" ] && [ "$(cat "$DEST/.complete")" = "$VER" ]; then
	msg "cached (fetched concurrently): $DEST"
	emit "$DEST" "$KVER"
	exit 0
fi

# ---- which packages --------------------------------------------------------
HDR=linux-headers-$KVER
[ -n "$(apt_candidate "$HDR")" ] || die "no headers package $HDR for $KVER"
hdr_deps=$(apt-cache show "$HDR=$VER" | sed -n 's/^Depends: //p' | head -n1 | tr ',' '\n')
COMMON=$(sed -n 's/^ *\(linux-headers-[^ ]*-common\)\b.*/\1/p' <<<"$hdr_deps" | head -n1)
KBUILD=$(sed -n 's/^ *\(linux-kbuild-[^ ]*\).*/\1/p' <<<"$hdr_deps" | head -n1)
[ -n "$COMMON" ] || die "cannot find the -common headers package in the Depends of $HDR $VER"
[ -n "$KBUILD" ] || die "cannot find the linux-kbuild package in the Depends of $HDR $VER"
msg "packages: $img $HDR $COMMON $KBUILD (version $VER)"

# ---- build prerequisites ----------------------------------------------------
# Packages the headers and kbuild Depend on, plus what kbuild itself runs.
# Installed here; the kernel packages themselves never are.
need_pkgs=(make libc6-dev kmod xz-utils libelf1 libssl3 bc)
kb_deps=$(apt-cache show "$KBUILD" | sed -n 's/^Depends: //p' | head -n1 | tr ',' '\n' |
	sed -n 's/^ *\([a-z0-9][a-z0-9.+-]*\).*/\1/p')
for p in $kb_deps; do
	case $p in libc6) ;; *) need_pkgs+=("$p") ;; esac
done
# The headers also Depend on gcc-N / linux-compiler-gcc-N-x86; the compiler
# actually needed is taken from CONFIG_CC_VERSION_TEXT below instead (the
# linux-compiler-* metapackage would drag in linux-libc-dev upgrades).

need_packages "${need_pkgs[@]}"

# ---- download (cached per exact file, so an interrupted run only redoes the rest)
DEBS=$CACHE/debs
mkdir -p "$DEBS"
deb_files=()
for p in "$img" "$HDR" "$COMMON" "$KBUILD"; do
	v=$VER
	if [ "$p" = "$KBUILD" ] && ! apt-cache show "$p=$v" >/dev/null 2>&1; then
		v=$(apt_candidate "$p")	# linux-kbuild-6.1 is shared across ABIs
		[ -n "$v" ] || die "no candidate for $p"
	fi
	f=$(printf '%s_%s_' "$p" "${v//:/%3a}")
	found=$(find "$DEBS" -maxdepth 1 -name "${f}*.deb" -print -quit)
	if [ -z "$found" ]; then
		msg "downloading $p=$v"
		found=$(apt_download "$p=$v" "$DEBS")
	fi
	deb_files+=("$found")
done

# ---- extract into a temporary directory, finish it, then rename -------------
rm -rf "$KERNELS/.tmp-$KVER".*
TMP=$(mktemp -d "$KERNELS/.tmp-$KVER.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM HUP	# run the EXIT trap when interrupted too
for f in "${deb_files[@]}"; do
	msg "extracting ${f##*/}"
	dpkg-deb -x "$f" "$TMP" || die "dpkg-deb -x $f failed (corrupt download? delete it and retry)"
done

KH=$TMP/usr/src/linux-headers-$KVER
[ -f "$TMP/boot/vmlinuz-$KVER" ] || die "no boot/vmlinuz-$KVER in $img"
[ -f "$KH/Makefile" ] || die "no usr/src/linux-headers-$KVER/Makefile in $HDR"
[ -f "$KH/.config" ] || die "no .config in $HDR"

# The arch headers Makefile does 'include /usr/src/linux-headers-X-common/Makefile'.
# Make every absolute /usr/src or /usr/lib/linux-kbuild reference point into
# the cache instead, relative to the Makefile itself so the cache stays
# relocatable.
# shellcheck disable=SC2016 # $(...) here is make syntax, written literally
while IFS= read -r mk; do
	sed -i -E \
		-e 's#^(-?include[[:space:]]+)/usr/(src|lib)/#\1$(dir $(realpath $(lastword $(MAKEFILE_LIST))))../../\2/#' \
		"$mk"
done < <(grep -rlE '^-?include[[:space:]]+/usr/(src|lib)/' "$TMP/usr/src" "$TMP/usr/lib" 2>/dev/null || true)
if grep -rqE '^-?include[[:space:]]+/usr/' "$KH/Makefile"; then
	die "could not rewrite the absolute include in $KH/Makefile"
fi

# Absolute symlinks (lib/modules/KVER/{build,source}, maybe others) -> relative.
while IFS= read -r l; do
	t=$(readlink "$l")
	case $t in
	/usr/*|/lib/*)
		rel=$(realpath -m --relative-to="$(dirname "$l")" "$TMP$t")
		ln -sfn "$rel" "$l"
		;;
	esac
done < <(find "$TMP" -type l -lname '/*')
# Every symlink in the headers and kbuild trees must resolve inside the cache.
while IFS= read -r l; do
	die "dangling symlink after fix-up: ${l#"$TMP"/} -> $(readlink "$l")"
done < <(find "$TMP/usr/src" "$TMP/lib/modules/$KVER/build" -maxdepth 3 -xtype l 2>/dev/null | grep -v '/include/' || true)

# The compiler the kernel was built with (CONFIG_CC_VERSION_TEXT), e.g.
# "x86_64-linux-gnu-gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0".
cc_text=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\(.*\)"$/\1/p' "$KH/.config")
cc_bin=${cc_text%% *}
if [ -n "$cc_bin" ] && ! command -v "$cc_bin" >/dev/null; then
	cc_pkg=$(sed -E 's/^([a-z0-9_]+-linux-gnu-)?//' <<<"$cc_bin")
	msg "kernel was built with '$cc_text'"
	need_packages "$cc_pkg"
	command -v "$cc_bin" >/dev/null || die "$cc_pkg installed but $cc_bin still not found"
fi
if [ -n "$cc_bin" ]; then
	have=$("$cc_bin" --version | head -n1)
	[ "$have" = "$cc_text" ] || msg "note: kernel built with '$cc_text', have '$have'"
fi

# modules.dep etc.: the .deb ships none.
msg "depmod for $KVER"
depmod -b "$TMP" -F "$TMP/boot/System.map-$KVER" "$KVER" ||
	die "depmod -b $TMP $KVER failed"
[ -s "$TMP/lib/modules/$KVER/modules.dep" ] || die "depmod produced no modules.dep"

# Drop what we never use (docs, lintian overrides) to keep the cache small.
rm -rf "${TMP:?}/usr/share"

printf '%s\n' "$VER" >"$TMP/.complete"
rm -rf "$DEST"
mv "$TMP" "$DEST"
trap - EXIT
chmod 755 "$DEST"

if [ "$KEEP_DEBS" = 0 ]; then
	rm -f "${deb_files[@]}"
fi
msg "ready: $DEST"
emit "$DEST" "$KVER"
