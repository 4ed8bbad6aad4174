#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/hotpath/run.sh - build bench/hotpath, time every variant at 1 and 2
# threads, count instructions per exit with callgrind, and write the tables
# to bench/hotpath/latest.md (--out to change).

set -euo pipefail

PROG=${0##*/}
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
WORK=$TOP/build/bench/hotpath
SMOKE=0
OUT=
EXITS=10000000
RUNS=9
# callgrind: instructions per exit = difference of two runs / difference of exits
IN1=100000
IN2=200000
INSTR_VARIANTS=

usage() {
	cat <<EOF
Usage: $PROG [OPTIONS]

Times the per-exit recording code of exitstat.ko (kmod/probes.c,
kmod/registry.c, core/record.h, core/reasons.c, compiled as Kbuild compiles
them) against no recording, course-solution counters, per-CPU counters
and tracepoints with empty or timing-only probes, at 1 and 2 threads;
counts instructions per exit with callgrind.

Options
  --smoke          a quick run (seconds): small counts, one run, callgrind
                   on exitstat only; table to WORKDIR/smoke.md
  --exits N        exits per thread and run (default $EXITS)
  --runs N         runs per variant, median reported (default $RUNS)
  --workdir DIR    build directory (default build/bench/hotpath)
  --out FILE       the table (default bench/hotpath/latest.md)
  -h, --help       this help

Examples
  bench/hotpath/run.sh
  bench/hotpath/run.sh --smoke
EOF
}

# shellcheck source=../../scripts/lib.sh
. "$TOP/scripts/lib.sh"

while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--smoke) SMOKE=1 ;;
	--exits) needarg "$@"; EXITS=$2; shift ;;
	--runs) needarg "$@"; RUNS=$2; shift ;;
	--workdir) needarg "$@"; WORK=$2; shift ;;
	--out) needarg "$@"; OUT=$2; shift ;;
	*) usage_err "unknown argument '$1'" ;;
	esac
	shift
done
[[ $EXITS =~ ^[1-9][0-9]*$ ]] || usage_err "--exits wants a positive number"
[[ $RUNS =~ ^[1-9][0-9]?$ ]] || usage_err "--runs wants 1-99"

if [ "$SMOKE" = 1 ]; then
	EXITS=200000
	RUNS=1
	IN1=5000
	IN2=10000
	INSTR_VARIANTS="none exitstat"
	OUT=${OUT:-$WORK/smoke.md}
fi
OUT=${OUT:-$HERE/latest.md}

if ! command -v valgrind >/dev/null; then
	[ "$(id -u)" = 0 ] || die "valgrind missing (apt-get install valgrind)"
	msg "installing valgrind"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends valgrind >&2 ||
		die "apt-get install valgrind failed"
fi

make -s -C "$HERE" O="$WORK" >&2 || die "build failed"
BIN=$WORK/hotpath
INSTR_VARIANTS=${INSTR_VARIANTS:-$("$BIN" --list | awk '{ print $1 }' | tr '\n' ' ')}

msg "timing: $RUNS run(s) of $EXITS exits per variant and thread count"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
# On a shared machine the two threads only run side by side if they win
# the CPUs: raise their priority when allowed (the concurrency column says
# whether they did).
NICE=()
if [ "$(id -u)" = 0 ]; then
	NICE=(nice -n -10)
fi
TIMES=$("${NICE[@]}" "$BIN" --exits "$EXITS" --runs "$RUNS") || die "hotpath failed (see above)"
load1=$(cut -d' ' -f1-3 /proc/loadavg)

# cg_total FILE: the Ir total of a callgrind output file.
cg_total() { awk '/^(summary|totals):/ { print $2; exit }' "$1"; }

# cg_functions FILE: "function Ir" per function, inlined code folded into
# the function it was inlined into.
cg_functions() {
	callgrind_annotate --threshold=100 "$1" 2>/dev/null |
		awk '/^ *[0-9,]+ \( *[0-9.]+%\) +[^ ]+:/ {
			ir = $1; gsub(",", "", ir)
			line = $0; sub(/^ *[0-9,]+ \( *[0-9.]+%\) +/, "", line)
			split(line, a, " "); f = a[1]; sub(/^.*:/, "", f)
			s[f] += ir
		} END { for (f in s) print f, s[f] }' | LC_ALL=C sort
}

msg "callgrind: $IN1 and $IN2 exits per variant"
declare -A INSTR=()
BREAKDOWN=
for v in $INSTR_VARIANTS; do
	for n in "$IN1" "$IN2"; do
		valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.$v.$n" \
			--toggle-collect='hp_loop_*' "$BIN" --instr "$v" --exits "$n" \
			>"$WORK/cg.$v.$n.log" 2>&1 ||
			{ tail -n 5 "$WORK/cg.$v.$n.log" >&2; die "callgrind $v failed"; }
	done
	INSTR[$v]=$(awk -v a="$(cg_total "$WORK/cg.$v.$IN1")" -v b="$(cg_total "$WORK/cg.$v.$IN2")" \
		-v d=$((IN2 - IN1)) 'BEGIN { printf "%.1f", (b - a) / d }')
	case $v in
	exitstat)
		BREAKDOWN+=$'\n'"**$v**, instructions per exit by function (self, inlined code included):"$'\n\n'
		BREAKDOWN+="| function | instructions/exit |"$'\n'"|---|---|"$'\n'
		BREAKDOWN+=$(LC_ALL=C join -a2 -e0 -o 0,1.2,2.2 \
			<(cg_functions "$WORK/cg.$v.$IN1") \
			<(cg_functions "$WORK/cg.$v.$IN2") |
			awk -v d=$((IN2 - IN1)) '{ x = ($3 - $2) / d; if (x >= 0.5) printf "%.1f %s\n", x, $1 }' |
			sort -rn | awk '{ printf "| %s | %s |\n", $2, $1 }')
		BREAKDOWN+=$'\n'
		;;
	esac
done

# Does perf count instructions here?  (In many VMs the PMU is not exposed.)
PERF_NOTE="perf not installed"
if command -v perf >/dev/null; then
	if perf stat -x, -e instructions -- "$BIN" --instr none --exits 1000 2>&1 >/dev/null |
		grep -q '^[0-9]'; then
		PERF_NOTE="perf stat -e instructions works here (callgrind used anyway: repeatable)"
	else
		PERF_NOTE="perf stat -e instructions: <not supported> on this machine (no PMU in the VM); callgrind used"
	fi
fi

base=${INSTR[none]:-}
{
	echo "<!-- SPDX-License-Identifier: GPL-2.0 -->"
	echo "# bench/hotpath: $(date -u +%Y-%m-%d)"
	echo
	echo "Written by \`bench/hotpath/run.sh$([ "$SMOKE" = 0 ] || echo ' --smoke')\`."
	echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) CPUs$(grep -qw hypervisor /proc/cpuinfo && echo ' (a VM)');" \
		"kernel $(uname -r); $(gcc --version | head -n1); load average $load0 before, $load1 after."
	echo
	echo "## Time"
	echo
	printf '%s\n' "$TIMES"
	echo
	echo "## Instructions per exit (callgrind; exit + entry, loop included)"
	echo
	echo "$PERF_NOTE."
	echo
	echo "| variant | instructions/exit | minus none | minus tp-empty |"
	echo "|---|---|---|---|"
	for v in $INSTR_VARIANTS; do
		i=${INSTR[$v]}
		mn=-
		mt=-
		[ -z "$base" ] || mn=$(awk -v a="$i" -v b="$base" 'BEGIN { printf "%.1f", a - b }')
		[ -z "${INSTR[tp-empty]:-}" ] || mt=$(awk -v a="$i" -v b="${INSTR[tp-empty]}" 'BEGIN { printf "%.1f", a - b }')
		echo "| $v | $i | $mn | $mt |"
	done
	printf '%s\n' "$BREAKDOWN"
} >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
cat "$OUT"
msg "wrote $OUT"
