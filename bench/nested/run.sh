#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/nested/run.sh - what watching exits costs a guest, measured inside
# nested KVM under QEMU's emulator (the tests/e2e harness): exits per second
# of 100,000 CPUID exits and 100,000 port I/O exits with no instrumentation,
# with exitstat.ko loaded, and under `perf kvm stat record`, all in one boot,
# several rounds with the order reversed every other round.  Writes a
# markdown table of ratios to bench/nested/latest.md (--out to change).

set -euo pipefail

PROG=${0##*/}
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
SERIES=6.1
ROUNDS=6
EXITS=100000
MODES=none,exitstat,perf
OFFLINE=()
VERBOSE=()
SMOKE=0
ICOUNT=
WORK=$TOP/build/bench/nested
OUT=
TIMEOUT=
FROM_LOG=
PATCHES=()
MODES_SET=0

usage() {
	cat <<EOF
Usage: $PROG [OPTIONS]

Boots a Debian kernel under QEMU TCG (nested SVM, real kvm_amd), and in it
times a guest loop of CPUID exits and one of port I/O exits (exitloop.c,
on tests/vmm's libvmm) with nothing watching, with exitstat.ko loaded and
under 'perf kvm stat record'.  Reports exits/s and the ratios to the
uninstrumented runs of the same round, median and range over the rounds.

Options
  --smoke            1 round of 2,000 exits, table to the work directory
                     only: checks that the pipeline works
  --series S         kernel series, 6.1 (default; Debian's perf is 6.1) or 6.12
  --rounds N         rounds (default $ROUNDS; odd rounds none,exitstat,perf,
                     even rounds the reverse)
  --exits N          exits per workload and run (default $EXITS)
  --modes LIST       subset of none,exitstat,perf and the --patch names
                     (default none,exitstat,perf and the --patch names)
  --patch NAME=FILE  also measure exitstat.ko built with FILE applied to
                     kmod/ (patch -p1, paths a/kmod/...), as mode NAME;
                     repeatable (e.g. no-cpuid-probe=bench/nested/no-cpuid-probe.patch)
  --icount SHIFT     run QEMU with -icount shift=SHIFT,sleep=off: every
                     emulated instruction advances the guest's clock by
                     2^SHIFT ns, so exits/s count instructions, not host
                     time, and do not depend on how busy the host is
                     (bench/results.md); one guest CPU; default: the
                     host's real time, two guest CPUs
  --offline          use the cached kernel, do not ask apt
  --workdir DIR      build and log directory (default build/bench/nested)
  --out FILE         where to write the table (default bench/nested/latest.md,
                     or latest-icount.md with --icount; WORKDIR/smoke.md
                     with --smoke); the guest's BENCH lines go next to it
                     (.log instead of .md)
  --timeout SECS     limit for the boot (default: from rounds and exits)
  --from-log LOG     no boot: make the table again from the console log of
                     an earlier run (WORKDIR/console.log)
  -v, --verbose      show the guest console while it runs
  -h, --help         this help

Needs (installed with apt-get when missing, as root): QEMU, the kernel via
scripts/fetch-kernel.sh, and linux-perf (whose perf, with the libraries
ldd names, is copied into the initramfs).

Examples
  bench/nested/run.sh --icount 0      # instruction-clocked, repeatable
  bench/nested/run.sh                 # real time (noisy on a busy host)
  bench/nested/run.sh --smoke         # does it still work?
  bench/nested/run.sh --rounds 10 --modes none,exitstat
EOF
}

# shellcheck source=../../scripts/lib.sh
. "$TOP/scripts/lib.sh"

while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--smoke) SMOKE=1 ;;
	--series) needarg "$@"; SERIES=$2; shift ;;
	--rounds) needarg "$@"; ROUNDS=$2; shift ;;
	--exits) needarg "$@"; EXITS=$2; shift ;;
	--modes) needarg "$@"; MODES=$2; MODES_SET=1; shift ;;
	--patch) needarg "$@"; PATCHES+=("$2"); shift ;;
	--icount) needarg "$@"; ICOUNT=$2; shift ;;
	--offline) OFFLINE=(--offline) ;;
	--workdir) needarg "$@"; WORK=$2; shift ;;
	--out) needarg "$@"; OUT=$2; shift ;;
	--timeout) needarg "$@"; TIMEOUT=$2; shift ;;
	--from-log) needarg "$@"; FROM_LOG=$2; shift ;;
	-v | --verbose) VERBOSE=(--verbose) ;;
	*) usage_err "unknown argument '$1'" ;;
	esac
	shift
done

if [ "$SMOKE" = 1 ]; then
	ROUNDS=1
	EXITS=2000
	OUT=${OUT:-$WORK/smoke.md}
fi
OUT=${OUT:-$HERE/latest${ICOUNT:+-icount}.md}
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || usage_err "--rounds wants a positive number"
[[ $EXITS =~ ^[1-9][0-9]*$ ]] || usage_err "--exits wants a positive number"
[ -z "$ICOUNT" ] || [[ $ICOUNT =~ ^[0-9]$ ]] || usage_err "--icount wants a shift of 0-9"
MODE_RE='none|exitstat|perf'
PATCH_NAMES=
for p in "${PATCHES[@]}"; do
	[[ $p =~ ^([a-z][a-z0-9-]*)=(.+)$ ]] || usage_err "--patch wants NAME=FILE, got '$p'"
	case ${BASH_REMATCH[1]} in
	none | exitstat | perf) usage_err "--patch NAME must not be none, exitstat or perf" ;;
	esac
	[ -f "${BASH_REMATCH[2]}" ] || usage_err "--patch: ${BASH_REMATCH[2]} does not exist"
	PATCH_NAMES+=,${BASH_REMATCH[1]}
	MODE_RE+="|${BASH_REMATCH[1]}"
done
[ "$MODES_SET" = 1 ] || MODES+=$PATCH_NAMES
[ -z "$FROM_LOG" ] || MODE_RE='[a-z][a-z0-9-]*'
[[ $MODES =~ ^($MODE_RE)(,($MODE_RE))*$ ]] ||
	usage_err "--modes wants a list of none, exitstat, perf and --patch names"
# Measured on a busy 2-CPU host: up to ~30 s per 100,000 exits, workload
# and mode, plus ~30 s of perf start-up per perf run; generous.
TIMEOUT=${TIMEOUT:-$((180 + ROUNDS * 3 * (40 + EXITS * 2 * 60 / 100000)))}

apt_install() {
	[ "$(id -u)" = 0 ] || die "$1 missing; install it (apt-get install $1)"
	msg "installing $1"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$1" >&2 ||
		die "apt-get install $1 failed"
}

# measure LOG: build, make the initramfs, boot, run; the console goes to LOG
# followed by BENCH-HOST lines about the host.
measure() {
	local log=$1 env perf='' clock="real time" rc=0
	local -a perf_args=() qemu_args=()

	command -v qemu-system-x86_64 >/dev/null || apt_install qemu-system-x86
	command -v cpio >/dev/null || apt_install cpio
	if [[ ,$MODES, == *,perf,* ]]; then
		perf=$(command -v perf || true)
		if [ -z "$perf" ]; then
			apt_install linux-perf
			perf=$(command -v perf) || die "no perf after installing linux-perf"
		fi
		case $("$perf" --version | awk '{ print $3 }') in
		"$SERIES".*) ;;
		*) msg "note: $("$perf" --version) is not of the $SERIES series (Debian 12 ships 6.1's)" ;;
		esac
		perf_args=(--elf "$perf:/usr/bin/perf")
	fi

	env=$("$TOP/scripts/fetch-kernel.sh" "${OFFLINE[@]}" "$SERIES") ||
		die "scripts/fetch-kernel.sh $SERIES failed"
	KVER='' VMLINUZ='' MODDIR='' KDIR=''
	eval "$env"

	# From a private copy of kmod/: others may rebuild kmod/ meanwhile.
	msg "building exitstat.ko for $KVER"
	rm -rf "$WORK/kmod"
	mkdir -p "$WORK/kmod"
	cp -rL "$TOP/kmod/." "$WORK/kmod/"
	make -C "$KDIR" M="$WORK/kmod" W=1 KCFLAGS=-Werror modules \
		>"$WORK/kmod.log" 2>&1 ||
		{ tail -n 20 "$WORK/kmod.log" >&2; die "building exitstat.ko failed (log $WORK/kmod.log)"; }
	cp "$WORK/kmod/exitstat.ko" "$WORK/exitstat.ko"
	local p name file
	local -a ko_args=()
	for p in "${PATCHES[@]}"; do
		name=${p%%=*}
		file=$(readlink -f "${p#*=}")
		msg "building exitstat.ko with $file as $name"
		rm -rf "${WORK:?}/${name:?}"
		mkdir -p "$WORK/$name/kmod"
		cp -rL "$TOP/kmod/." "$WORK/$name/kmod/"
		(cd "$WORK/$name" && patch -s -p1 <"$file") ||
			die "$file does not apply to kmod/"
		make -C "$KDIR" M="$WORK/$name/kmod" W=1 KCFLAGS=-Werror modules \
			>"$WORK/$name.log" 2>&1 ||
			{ tail -n 20 "$WORK/$name.log" >&2; die "building $name failed (log $WORK/$name.log)"; }
		ko_args+=(--add "$WORK/$name/kmod/exitstat.ko:/lib/modules/$name.ko")
	done

	msg "building exitloop"
	make -s -C "$TOP/tests/vmm" O="$WORK/vmm" >"$WORK/vmm.log" 2>&1 ||
		{ tail -n 20 "$WORK/vmm.log" >&2; die "building libvmm failed (log $WORK/vmm.log)"; }
	${CC:-gcc} -std=gnu11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror \
		-Wshadow -Wstrict-prototypes -Wmissing-prototypes \
		-Wmissing-declarations -Wformat=2 -Wundef -Wpointer-arith \
		-Wwrite-strings -Wvla -I"$TOP/tests/vmm" "$HERE/exitloop.c" \
		"$WORK/vmm/libvmm.a" -static -pthread -o "$WORK/exitloop"

	"$TOP/tests/e2e/mkinitramfs.sh" --moddir "$MODDIR" -o "$WORK/initrd.gz" \
		--timeout "$TIMEOUT" \
		--add "$WORK/exitstat.ko:/lib/modules/exitstat.ko" \
		--add "$WORK/exitloop:/bin/exitloop" \
		--add "$HERE/guest-bench.sh:/tests/10-nested-bench" \
		"${perf_args[@]}" "${ko_args[@]}" >/dev/null || die "mkinitramfs failed"

	if [ -n "$ICOUNT" ]; then
		# One guest CPU: with icount the 6.1 kernel hangs bringing up the
		# second.  Single-threaded TCG runs two in turn anyway.
		clock="icount shift=$ICOUNT: 1 emulated instruction = $((1 << ICOUNT)) ns of guest time, 1 guest CPU"
		qemu_args=(--smp 1 --qemu-arg -icount --qemu-arg "shift=$ICOUNT,sleep=off")
	fi
	msg "booting $KVER: $ROUNDS round(s) of $EXITS exits per workload" \
		"(modes $MODES; clock: $clock; timeout ${TIMEOUT}s)"
	"$TOP/tests/e2e/boot.sh" --kernel "$VMLINUZ" --initrd "$WORK/initrd.gz" \
		--append "bench.rounds=$ROUNDS bench.exits=$EXITS bench.modes=$MODES" \
		"${qemu_args[@]}" --name "nested-bench $KVER" --log "$log" \
		--timeout "$TIMEOUT" "${VERBOSE[@]}" >"$WORK/boot.out" || rc=$?
	cat "$WORK/boot.out"
	[ "$rc" = 0 ] || die "the benchmark boot failed (boot.sh exit $rc, console $log)"
	{
		echo "BENCH-HOST clock=$clock"
		echo "BENCH-HOST qemu=$(qemu-system-x86_64 --version | awk 'NR == 1 { print $4 }')" \
			"host=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
			"cpus=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
	} >>"$log"
}

# table: the markdown table of the BENCH lines on stdin.  Per round, each
# mode's exits/s over the uninstrumented run's of the same round and
# workload, and the extra time per exit; median and range over the rounds.
table() {
	awk -v modes="$MODES" '
	function sort(a, n,   i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
	}
	function med(a, n) {
		sort(a, n)
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	{
		for (i = 2; i <= NF; i++) {
			split($i, kv, "=")
			f[kv[1]] = kv[2]
		}
		k = f["round"] SUBSEP f["mode"] SUBSEP f["workload"]
		eps[k] = f["eps"]
		ns[k] = f["ns"] / f["exits"]
		if (!(f["round"] in seen)) { seen[f["round"]] = 1; rounds[++nr] = f["round"] }
	}
	END {
		nm = split(modes, m, ",")
		split("cpuid io", wl, " ")
		printf "| workload | mode | exits/s, median [min-max] | / none, median [min-max] | extra ns/exit, median [min-max] |\n"
		printf "|---|---|---|---|---|\n"
		for (w = 1; w <= 2; w++) {
			for (j = 1; j <= nm; j++) {
				n = 0; nq = 0
				for (r = 1; r <= nr; r++) {
					k = rounds[r] SUBSEP m[j] SUBSEP wl[w]
					b = rounds[r] SUBSEP "none" SUBSEP wl[w]
					if (!(k in eps)) continue
					e[++n] = eps[k]
					if (b in eps) {
						nq++
						q[nq] = eps[k] / eps[b]
						d[nq] = ns[k] - ns[b]
					}
				}
				if (!n) continue
				em = med(e, n)
				rs = "-"; ds = "-"
				if (nq && m[j] != "none") {
					rm = med(q, nq)
					dm = med(d, nq)
					rs = sprintf("%.3f [%.3f-%.3f]", rm, q[1], q[nq])
					ds = sprintf("%+.0f [%+.0f-%+.0f]", dm, d[1], d[nq])
					cost[wl[w], m[j]] = dm
					ratio[wl[w], m[j]] = rm
				}
				printf "| %s | %s | %.0f [%.0f-%.0f] | %s | %s |\n",
					wl[w], m[j], em, e[1], e[n], rs, ds
			}
		}
		printf "\n"
		for (w = 1; w <= 2; w++) {
			if (!((wl[w], "exitstat") in cost) || !((wl[w], "perf") in cost))
				continue
			ce = cost[wl[w], "exitstat"]; cp = cost[wl[w], "perf"]
			printf "- %s: exitstat.ko costs %.1f%% of the exits/s, perf kvm stat record %.1f%%; ", wl[w],
				100 * (1 - ratio[wl[w], "exitstat"]), 100 * (1 - ratio[wl[w], "perf"])
			if (ce > 0)
				printf "per exit +%.0f ns against +%.0f ns: exitstat.ko is %.1fx cheaper.\n", ce, cp, cp / ce
			else
				printf "per exit %+.0f ns against %+.0f ns (exitstat.ko within the noise).\n", ce, cp
		}
	}'
}

if [ -n "$FROM_LOG" ]; then
	LOG=$FROM_LOG
	[ -f "$LOG" ] || die "$LOG does not exist"
else
	mkdir -p "$WORK"
	LOG=$WORK/console.log
	measure "$LOG"
fi

CLEAN=$(tr -d '\r' <"$LOG")
# The lines the table is made of, kept next to it (--from-log reads them).
RAW=${OUT%.md}.log
if [ "$(readlink -f "$LOG")" != "$(readlink -f "$RAW")" ]; then
	grep -aoE 'BENCH(-INFO|-HOST)? .*' <<<"$CLEAN" >"$RAW" || die "no BENCH lines in $LOG"
fi
BENCH=$(grep -aoE 'BENCH mode=[a-z0-9-]+ round=[0-9]+ workload=[a-z]+ exits=[0-9]+ ns=[0-9]+ eps=[0-9]+ module=[01]' <<<"$CLEAN") ||
	die "no BENCH lines in $LOG"
if [ -n "$FROM_LOG" ] && [ "$MODES_SET" = 0 ]; then
	# every mode of the log, in the order of the first round
	MODES=$(awk '{ sub(/^mode=/, "", $2) } !seen[$2]++ { printf "%s%s", n++ ? "," : "", $2 }' <<<"$BENCH")
fi
INFO=$(grep -aoE 'BENCH-INFO .*' <<<"$CLEAN" | sed 's/^BENCH-INFO //' | tr '\n' ' ' || true)
HOST=$(grep -aoE 'BENCH-HOST .*' <<<"$CLEAN" | sed 's/^BENCH-HOST //' | paste -sd ';' | sed 's/;/; /g' || true)
{
	echo "<!-- SPDX-License-Identifier: GPL-2.0 -->"
	echo "# bench/nested: $(date -u -r "$LOG" +%Y-%m-%d)"
	echo
	echo "Written by \`bench/nested/run.sh$([ "$SMOKE" = 0 ] || echo ' --smoke')${ICOUNT:+ --icount $ICOUNT}\`;" \
		"the guest's lines are in $(basename "$RAW")."
	echo "Per round, each mode's exits/s are divided by those of the uninstrumented"
	echo "run of the same round; extra ns/exit is the difference in time per exit."
	echo "See bench/results.md for what these figures can and cannot say."
	echo
	echo "- guest: $INFO"
	echo "- host: ${HOST:-unknown}"
	echo
	table <<<"$BENCH"
} >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
cat "$OUT"
msg "wrote $OUT"
