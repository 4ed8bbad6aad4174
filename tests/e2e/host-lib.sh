# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# host-lib.sh - what the host-side e2e drivers that build and boot
# exitstat.ko share (module.sh, debug-kernel.sh).  Sourced after TOP is set;
# they print TAP lines and exit with $failed.

failed=0

# fail TEXT: a "not ok" line; the driver will exit non-zero.
fail() {
	echo "not ok - $*"
	failed=1
}

# build_module KVER KDIR DIR: exitstat.ko for the kernel build tree KDIR,
# from a copy of kmod/ (core/ resolved) in DIR, W=1 with warnings as
# errors; a TAP line says how it went.
build_module() {
	rm -rf "$3"
	mkdir -p "$3"
	cp -rL "$TOP/kmod/." "$3/"
	if make -C "$2" M="$3" W=1 KCFLAGS=-Werror modules >"$3/build.log" 2>&1 &&
		[ -f "$3/exitstat.ko" ]; then
		echo "ok - $1: build exitstat.ko (W=1, warnings are errors)"
		return 0
	fi
	sed 's/^/# /' "$3/build.log" | tail -n 20
	fail "$1: build exitstat.ko"
	return 1
}

# build_vmm WORK: the static test programs exitcheck and vmguest, into
# WORK/vmm; a TAP line says how it went.
build_vmm() {
	if make -s -C "$TOP/tests/vmm" O="$1/vmm" >"$1/vmm.log" 2>&1; then
		echo "ok - build exitcheck and vmguest (static)"
		return 0
	fi
	fail "build exitcheck and vmguest: see $1/vmm.log"
	return 1
}

# guest_files DIR WORK: sets GUEST_FILES to the mkinitramfs.sh arguments
# that add DIR/kmod/exitstat.ko and the test programs of WORK/vmm.
guest_files() {
	GUEST_FILES=(--add "$1/kmod/exitstat.ko:/lib/modules/exitstat.ko"
		--add "$2/vmm/exitcheck:/bin/exitcheck"
		--add "$2/vmm/vmguest:/bin/vmguest")
}
