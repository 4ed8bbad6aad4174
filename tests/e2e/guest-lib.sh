# SPDX-License-Identifier: GPL-2.0
#
# guest-lib.sh - helpers for guest test scripts (busybox sh) run by the e2e
# /init.  Installed in the initramfs as /lib/e2e.sh; use it with
#
#     #!/bin/sh
#     . /lib/e2e.sh
#     e2e_check "kvm loaded" test -d /sys/module/kvm
#
# Every assertion prints exactly one line, "ok - NAME" or
# "not ok - NAME: WHY", which the host side (tests/e2e/boot.sh) collects.
# Names must not contain ':' (the host splits on the first ': ').

E2E_FAILED=0

# e2e_ok NAME
e2e_ok() {
	echo "ok - $1"
}

# e2e_not_ok NAME WHY...
e2e_not_ok() {
	_n=$1
	shift
	echo "not ok - $_n: $*"
	E2E_FAILED=$((E2E_FAILED + 1))
}

# e2e_check NAME CMD [ARGS...]: ok if CMD succeeds, else not ok with the
# command, its exit status and the last lines of its output.
e2e_check() {
	_n=$1
	shift
	if _out=$("$@" 2>&1); then
		e2e_ok "$_n"
	else
		_rc=$?
		_out=$(printf '%s' "$_out" | tail -n 3 | tr '\n' ' ')
		e2e_not_ok "$_n" "'$*' exited $_rc${_out:+: $_out}"
	fi
}

# e2e_eq NAME EXPECTED ACTUAL
e2e_eq() {
	if [ "$2" = "$3" ]; then
		e2e_ok "$1"
	else
		e2e_not_ok "$1" "expected '$2', got '$3'"
	fi
}

# e2e_skip NAME WHY: counted as ok by TAP convention, marked SKIP.
e2e_skip() {
	echo "ok - $1 # SKIP $2"
}

# e2e_param MODULE PARAM: print /sys/module/MODULE/parameters/PARAM (or
# "<missing>").
e2e_param() {
	cat "/sys/module/$1/parameters/$2" 2>/dev/null || echo "<missing>"
}

# e2e_cmdline KEY DEFAULT: the value of KEY=VALUE on the kernel command
# line, or DEFAULT.
e2e_cmdline() {
	for _tok in $(cat /proc/cmdline); do
		case $_tok in
		"$1"=*)
			echo "${_tok#"$1"=}"
			return ;;
		esac
	done
	echo "$2"
}

# e2e_isa: the exit-reason table of this CPU, vmx or svm.
e2e_isa() {
	if grep -qw svm /proc/cpuinfo; then
		echo svm
	else
		echo vmx
	fi
}

# e2e_mem_used_kb: memory in use (MemTotal - MemAvailable), in kB, once
# the caches are dropped.  exitstat's per-vCPU buffers are too big for the
# slab caches, so Slab alone would not see them.
e2e_mem_used_kb() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	awk '/^MemTotal:/ { t = $2 } /^MemAvailable:/ { a = $2 }
	END { print t - a }' /proc/meminfo
}

# e2e_mem_check WHAT BEFORE_KB MAX_KB: the growth of memory in use since
# BEFORE_KB, printed and checked against MAX_KB.
e2e_mem_check() {
	_after=$(e2e_mem_used_kb)
	echo "# memory in use: ${2} kB before, ${_after} kB after $1"
	e2e_check "memory back to its baseline after $1 ($2 -> $_after kB, at most +$3)" \
		test $((_after - $2)) -le "$3"
}

# e2e_l2_qemu LIMIT: boot the second-level Linux (/l2/vmlinuz with
# /l2/initrd.gz) under QEMU/KVM for at most LIMIT seconds, its console on
# stdout.  It execs QEMU, so run it in the background or in a pipeline;
# in the background, $! is QEMU's pid.  QEMU is pinned to this machine's
# last CPU: under the emulator a timer interrupt is now and then delivered
# to the nested guest twice, the second time inside the handler of the
# first with interrupts off, and its kernel deadlocks on the runqueue lock;
# far more often when its vCPU thread moves between CPUs (docs/testing.md).
e2e_l2_qemu() {
	exec taskset -c $(($(nproc) - 1)) timeout "$1" \
		qemu-system-x86_64 -enable-kvm -cpu host -M pc -m 256 -smp 1 \
		-nographic -nodefaults -serial stdio -no-reboot \
		-L /usr/share/qemu -kernel /l2/vmlinuz -initrd /l2/initrd.gz \
		-append "console=ttyS0 panic=-1 loglevel=4" </dev/null
}

# e2e_l2_progress: exits of the newest VM other than host interrupts (SVM
# INTR, 0x60), from exitstat's stats.  A second-level boot that stalls in
# the emulator (it happens: firmware banner, then nothing but the host's
# timer ticks) stops moving this figure.
e2e_l2_progress() {
	awk '$1 == "vm" { id = substr($2, 4); n = 0 }
	$1 == "reason" && $2 == "vm=" id && $4 != "code=0x60" {
		sub(/exits=/, "", $5); n += $5 }
	END { print n + 0 }' /proc/exitstat/stats 2>/dev/null
}

# e2e_l2_watchdog FLAG: run in the background while a second-level QEMU
# runs; if its VM makes no exit but host interrupts for 60 s, kill QEMU
# and write why to FLAG.
e2e_l2_watchdog() {
	_last=-1
	_still=0
	while sleep 10; do
		_now=$(e2e_l2_progress)
		if [ "$_now" = "$_last" ]; then
			_still=$((_still + 10))
		else
			_still=0
			_last=$_now
		fi
		if [ $_still -ge 60 ]; then
			echo "a minute without exits but host interrupts" >"$1"
			killall qemu-system-x86_64 2>/dev/null
			return
		fi
	done
}

# e2e_exit: end a test script; its status is non-zero if anything failed.
e2e_exit() {
	if [ "$E2E_FAILED" -eq 0 ]; then
		exit 0
	fi
	exit 1
}
