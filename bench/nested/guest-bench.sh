#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The guest side of bench/nested (installed as /tests/10-nested-bench):
# exits per second of a CPUID loop and a port I/O loop (exitloop) with
# nothing watching, with exitstat.ko loaded, and under
# `perf kvm stat record`, in the same boot, round after round, the order
# of the three reversed every other round.  exitloop prints the BENCH
# lines the host collects; this script checks each run was what it claims.
#
# Kernel command line: bench.rounds=N (default 5), bench.exits=N (default
# 100000), bench.modes=none,exitstat,perf (default these three); any other
# mode NAME loads /lib/modules/NAME.ko, a variant of exitstat.ko.

# shellcheck source=../../tests/e2e/guest-lib.sh
. /lib/e2e.sh

rounds=$(e2e_cmdline bench.rounds 5)
exits=$(e2e_cmdline bench.exits 100000)
modes=$(e2e_cmdline bench.modes none,exitstat,perf | tr , ' ')
reversed=
for m in $modes; do
	reversed="$m $reversed"
done

echo "BENCH-INFO kernel=$(uname -r) cpus=$(grep -c ^processor /proc/cpuinfo)" \
	"npt=$(e2e_param kvm_amd npt) perf=$(perf --version 2>/dev/null | tr ' ' _)" \
	"rounds=$rounds exits=$exits"

# run ROUND MODE: one exitloop of both workloads in MODE.
run() {
	_r=$1
	_m=$2
	_want=0
	case $_m in
	none)
		/bin/exitloop -n "$exits" -m none -r "$_r" >/tmp/out 2>&1
		_rc=$?
		;;
	exitstat)
		_want=1
		if ! _err=$(insmod /lib/modules/exitstat.ko 2>&1); then
			e2e_not_ok "round $_r exitstat" "insmod failed: $_err"
			return
		fi
		/bin/exitloop -n "$exits" -m exitstat -r "$_r" >/tmp/out 2>&1
		_rc=$?
		rmmod exitstat || e2e_not_ok "round $_r exitstat" "rmmod failed"
		;;
	perf)
		rm -f /tmp/perf.data
		perf kvm stat record -o /tmp/perf.data -- \
			/bin/exitloop -n "$exits" -m perf -r "$_r" >/tmp/out 2>/tmp/perf.err
		_rc=$?
		[ "$_r" = 1 ] && sed 's/^/# perf: /' /tmp/perf.err | tail -n 3
		;;
	*)
		# a variant of exitstat.ko (run.sh --patch NAME=FILE)
		_want='[01]'
		if [ ! -f "/lib/modules/$_m.ko" ]; then
			e2e_not_ok "round $_r $_m" "unknown mode, no /lib/modules/$_m.ko"
			return
		fi
		if ! _err=$(insmod "/lib/modules/$_m.ko" 2>&1); then
			e2e_not_ok "round $_r $_m" "insmod failed: $_err"
			return
		fi
		/bin/exitloop -n "$exits" -m "$_m" -r "$_r" >/tmp/out 2>&1
		_rc=$?
		rmmod exitstat || e2e_not_ok "round $_r $_m" "rmmod failed"
		;;
	esac
	cat /tmp/out
	if [ "$_rc" != 0 ]; then
		e2e_not_ok "round $_r $_m" "exitloop exited $_rc: $(tail -n 2 /tmp/out | tr '\n' ' ')"
	elif [ "$(grep -c "^BENCH .*module=$_want\$" /tmp/out)" != 2 ]; then
		e2e_not_ok "round $_r $_m" "expected 2 BENCH lines with module=$_want"
	else
		e2e_ok "round $_r $_m"
	fi
}

r=1
while [ "$r" -le "$rounds" ]; do
	if [ $((r % 2)) = 1 ]; then
		order=$modes
	else
		order=$reversed
	fi
	for m in $order; do
		run "$r" "$m"
	done
	r=$((r + 1))
done

# The recording of the last perf round holds the loop's exits.
case " $modes " in
*" perf "*)
	if [ -s /tmp/perf.data ]; then
		echo "BENCH-INFO perf.data=$(wc -c </tmp/perf.data)"
		# (perf prints the report on stderr when it is not a terminal)
		perf kvm -i /tmp/perf.data stat report --event=vmexit \
			>/tmp/report 2>&1
		_n=$(awk 'tolower($1) ~ /cpuid/ { print $2; exit }' /tmp/report)
		if [ -n "$_n" ] && [ "$_n" -ge "$exits" ]; then
			grep -iE 'VM-EXIT|cpuid|io ' /tmp/report | head -n 4 |
				sed 's/^/# perf kvm stat report: /'
			e2e_ok "perf kvm stat recorded the CPUID exits ($_n)"
		else
			sed 's/^/# report: /' /tmp/report | tail -n 15
			e2e_not_ok "perf kvm stat recorded the CPUID exits" "report says '${_n}'"
		fi
	fi
	;;
esac
e2e_exit
