#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mkl2initramfs.sh - the initramfs of the second-level guest: busybox, the
# /init in l2/init, files given with --add, and the programs given with
# --test (run in order).
#
#   tests/e2e/mkl2initramfs.sh -o OUT.gz [--add SRC:DEST]... [--test PROGRAM]...
set -euo pipefail

PROG=${0##*/}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=
TESTS=()
ADDS=()

die() { printf '%s: %s\n' "$PROG" "$*" >&2; exit 2; }

while [ $# -gt 0 ]; do
	case $1 in
	-o) [ $# -ge 2 ] || die "-o needs a file"; OUT=$2; shift ;;
	--test) [ $# -ge 2 ] || die "--test needs a program"
		[ -x "$2" ] || die "--test: $2 is not an executable file"
		TESTS+=("$2"); shift ;;
	--add) [ $# -ge 2 ] || die "--add needs SRC:DEST"
		[ -e "${2%%:*}" ] || die "--add: ${2%%:*} does not exist"
		ADDS+=("$2"); shift ;;
	-h | --help) sed -n '4,8p' "$0"; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
[ -n "$OUT" ] || die "-o OUT.gz is required"
[ -x /bin/busybox ] || die "/bin/busybox is missing (apt-get install busybox-static)"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,proc,sys,dev,l2-tests}
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
	[ "$applet" != busybox ] || continue
	ln -sf busybox "$root/bin/$applet"
done
install -m 0755 "$HERE/l2/init" "$root/init"
for a in "${ADDS[@]}"; do
	mkdir -p "$root$(dirname "${a#*:}")"
	cp -a "${a%%:*}" "$root${a#*:}"
done
n=10
for t in "${TESTS[@]}"; do
	install -m 0755 "$t" "$root/l2-tests/$n-${t##*/}"
	n=$((n + 1))
done
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -9 >"$OUT"
