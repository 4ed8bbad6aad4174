#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/tools/run.sh - the host tools at scale:
#   - scrape latency of `exitstat export --listen` for 1,000 vCPUs, as
#     curl sees it, and the server's CPU time per scrape (stats files by
#     tests/fixtures/gen-vcpus.sh);
#   - memory of `exitstat top` over thousands of refreshes while VMs come
#     and go and counters reset (its resident size must stay flat);
#   - time of `exitstat report`, text and JSON, on a recording of a
#     million samples (bench/tools/gen-recording.sh).
# Writes the tables to bench/tools/latest.md (--out to change).

set -euo pipefail

PROG=${0##*/}
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
BIN=$TOP/build/plain/exitstat
GEN=$TOP/tests/fixtures/gen-vcpus.sh
GEN_REC=$HERE/gen-recording.sh
SMOKE=0
OUT=
SCRAPES=30
REFRESHES=3600
SAMPLES=1000000
RUNS=5

usage() {
	cat <<EOF
Usage: $PROG [OPTIONS]

Measures exitstat export (scrape latency), top (memory over time) and
report (time on a long recording) on generated hosts and writes the
tables.  The full run takes a few minutes (top makes an hour's worth of
refreshes, 1 ms apart) and 2 GB under \$TMPDIR (or /tmp) for the
recording.

Options
  --smoke          a quick run (seconds): 3 scrapes, 20 refreshes, one
                   report of 20,000 samples; the tables to stdout only
  --scrapes N      timed scrapes per host shape (default $SCRAPES)
  --refreshes N    exitstat top refreshes (default $REFRESHES: an hour at 1 s)
  --samples N      samples in the recording for report (default $SAMPLES)
  --runs N         timed reports per output format (default $RUNS)
  --out FILE       the tables (default bench/tools/latest.md)
  -h, --help       this help

Examples
  bench/tools/run.sh
  bench/tools/run.sh --smoke
  bench/tools/run.sh --scrapes 3 --refreshes 20 --out /tmp/tools.md
EOF
}

# shellcheck source=../../scripts/lib.sh
. "$TOP/scripts/lib.sh"

while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--smoke) SMOKE=1 ;;
	--scrapes) needarg "$@"; SCRAPES=$2; shift ;;
	--refreshes) needarg "$@"; REFRESHES=$2; shift ;;
	--samples) needarg "$@"; SAMPLES=$2; shift ;;
	--runs) needarg "$@"; RUNS=$2; shift ;;
	--out) needarg "$@"; OUT=$2; shift ;;
	*) usage_err "unknown argument '$1'" ;;
	esac
	shift
done
for opt in scrapes refreshes samples runs; do
	val=${opt^^}
	[[ ${!val} =~ ^[1-9][0-9]*$ ]] ||
		usage_err "--$opt wants a positive number, not '${!val}'"
done

WORK=$(mktemp -d)
if [ "$SMOKE" = 1 ]; then
	SCRAPES=3
	REFRESHES=20
	SAMPLES=20000
	RUNS=1
	OUT=${OUT:-$WORK/smoke.md}
fi
OUT=${OUT:-$HERE/latest.md}
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$WORK"
}
trap cleanup EXIT

make -s -C "$TOP" all >&2 || die "build failed"
command -v curl >/dev/null || die "needs curl"

# CPU time (user + system, in clock ticks) of process $1 so far.
cpu_ticks() {
	awk '{print $14 + $15}' "/proc/$1/stat"
}

# min median p90 max of the numbers on stdin, in ms.
stats_ms() {
	sort -g | awk '{v[NR] = $1 * 1000}
	END {printf "%.1f | %.1f | %.1f | %.1f", v[1], v[int((NR + 1) / 2)],
	     v[int(NR * 0.9 + 0.5)], v[NR]}'
}

# scrape NAME VMS VCPUS REASONS: one table row.
scrape() {
	local name=$1 dir=$WORK/$2x$3x$4 port="" pid t0 t1 bytes series tick
	mkdir -p "$dir"
	"$GEN" "$2" "$3" "$4" >"$dir/stats"
	"$BIN" export --listen 127.0.0.1:0 --root "$dir" 2>"$dir/err" &
	pid=$!
	PIDS+=("$pid")
	for _ in $(seq 50); do
		port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$dir/err")
		[ -n "$port" ] && break
		sleep 0.1
	done
	[ -n "$port" ] || { cat "$dir/err" >&2; die "exitstat export did not start"; }
	for _ in 1 2 3; do # warm up: page cache, the server's heap
		curl -sf -o "$dir/metrics" "http://127.0.0.1:$port/metrics"
	done
	bytes=$(wc -c <"$dir/metrics")
	series=$(grep -vc '^#' "$dir/metrics")
	t0=$(cpu_ticks "$pid")
	for _ in $(seq "$SCRAPES"); do
		curl -sf -o /dev/null -w '%{time_total}\n' \
			"http://127.0.0.1:$port/metrics"
	done >"$dir/times"
	t1=$(cpu_ticks "$pid")
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	tick=$(getconf CLK_TCK)
	printf '| %s | %s | %s | %s | %s | %.1f |\n' "$name" \
		"$(wc -l <"$dir/stats")" "$series" "$((bytes / 1024))" \
		"$(stats_ms <"$dir/times")" \
		"$(echo "$t1 $t0 $tick $SCRAPES" |
			awk '{print ($1 - $2) * 1000 / $3 / $4}')"
}

# top's resident size while it refreshes as fast as it can and the stats
# file switches between three hosts: VMs appear, go away, counters reset.
top_memory() {
	local dir=$WORK/top pid w rss n=0 first='' max=0 last=''
	mkdir -p "$dir"
	"$GEN" 250 4 12 1 >"$dir/a"
	"$GEN" 200 5 10 2 >"$dir/b"
	"$GEN" 300 3 13 3 >"$dir/c"
	cp "$dir/a" "$dir/stats"
	(
		while :; do
			for f in a b c; do
				cp "$dir/$f" "$dir/stats.new"
				mv "$dir/stats.new" "$dir/stats"
				sleep 0.2
			done
		done
	) &
	w=$!
	PIDS+=("$w")
	"$BIN" top --by vcpu --root "$dir" 0.001 "$REFRESHES" >/dev/null &
	pid=$!
	PIDS+=("$pid")
	while kill -0 "$pid" 2>/dev/null; do
		rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null) ||
			break
		[ -n "$rss" ] || break
		n=$((n + 1))
		[ -n "$first" ] || [ "$n" -lt 3 ] || first=$rss
		[ "$rss" -gt "$max" ] && max=$rss
		last=$rss
		sleep 0.5
	done
	wait "$pid" || die "exitstat top failed"
	kill "$w"
	wait "$w" 2>/dev/null || true
	echo "| $REFRESHES | $n | ${first:-?} | $max | ${last:-?} |"
}

# The recording for report, $SAMPLES samples of a small busy host, in
# $REC; sets REC_BYTES, REC_LINES and GEN_SECS (how long it took).
make_recording() {
	local TIMEFORMAT=%R

	REC=$WORK/report.rec
	GEN_SECS=$({ time "$GEN_REC" "$SAMPLES" 2 5 >"$REC"; } 2>&1) ||
		die "gen-recording.sh failed"
	REC_BYTES=$(stat -c %s "$REC")
	REC_LINES=$(wc -l <"$REC")
}

# "best | median" of the numbers on stdin, with 2 decimals.
best_median() {
	sort -g | awk '{v[NR] = $1}
	END {printf "%.2f | %.2f", v[1], v[int((NR + 1) / 2)]}'
}

# report_row NAME CHECK [OPTION...]: one table row, exitstat report
# [OPTION...] of the recording run $RUNS times, output to /dev/null, after
# a first run whose output must match CHECK (every sample was read).
report_row() {
	local name=$1 check=$2 dir=$WORK/report TIMEFORMAT='%R %U %S' bytes
	shift 2
	mkdir -p "$dir"
	"$BIN" report "$@" "$REC" >"$dir/out" || die "report $* failed"
	grep -q "$check" "$dir/out" || die "report $*: no '$check' in its output"
	bytes=$(stat -c %s "$dir/out")
	rm -f "$dir/out" "$dir/times"
	for _ in $(seq "$RUNS"); do
		{ time "$BIN" report "$@" "$REC" >/dev/null 2>"$dir/err"; } \
			2>>"$dir/times" || { cat "$dir/err" >&2; die "report $* failed"; }
	done
	awk '{print $1}' "$dir/times" >"$dir/wall"
	awk '{print $2 + $3}' "$dir/times" >"$dir/cpu"
	printf '| %s | %s | %.1f | %s | %s | %.2f |\n' "$name" "$RUNS" \
		"$(awk -v b="$bytes" 'BEGIN {print b / 1048576}')" \
		"$(best_median <"$dir/wall")" "$(best_median <"$dir/cpu")" \
		"$(sort -g "$dir/cpu" | awk -v n="$SAMPLES" '{v[NR] = $1}
			END {print v[int((NR + 1) / 2)] / n * 1e6}')"
}

{
	echo "# exitstat export, top and report at scale"
	echo
	echo "$(date -u +%Y-%m-%d), $(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)),"
	echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the start."
	echo "Made by \`bench/tools/run.sh$([ "$SMOKE" = 0 ] || echo ' --smoke')\`; stats files by"
	echo "\`tests/fixtures/gen-vcpus.sh\`, the recording by \`bench/tools/gen-recording.sh\`."
	echo
	echo "## Scrape latency of \`exitstat export --listen\` ($SCRAPES scrapes each)"
	echo
	echo "Wall time as curl sees it (connect, read and parse the stats file,"
	echo "render, transfer), and the server's CPU time per scrape: wall times"
	echo "grow with the machine's load average, the CPU time hardly."
	echo
	echo "| host | stats lines | samples | KiB | min ms | median ms | p90 ms | max ms | server CPU ms/scrape |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	scrape "250 VMs x 4 vCPUs x 12 reasons" 250 4 12
	scrape "1000 VMs x 1 vCPU x 12 reasons" 1000 1 12
	scrape "100 VMs x 10 vCPUs x 8 reasons" 100 10 8
	echo
	echo "## Memory of \`exitstat top --by vcpu\` (1,000 vCPUs, VMs coming and going)"
	echo
	echo "VmRSS in KiB, sampled every 0.5 s: first (after 1 s), largest, last."
	echo
	echo "| refreshes | samples | first KiB | max KiB | last KiB |"
	echo "| ---: | ---: | ---: | ---: | ---: |"
	top_memory
	make_recording
	echo
	echo "## Time of \`exitstat report\` on a recording of $SAMPLES samples"
	echo
	echo "The recording: one VM of 2 vCPUs with 5 exit reasons each, a sample"
	echo "every 0.25 s, $REC_BYTES bytes ($((REC_BYTES / 1048576)) MiB; per sample"
	echo "$((REC_LINES / SAMPLES)) lines, $((REC_BYTES / SAMPLES)) bytes), generated in $GEN_SECS s."
	echo "Each report reads it from the page cache and writes to /dev/null;"
	echo "CPU time is the report's user + system time. Load average"
	echo "$(cut -d' ' -f1-3 /proc/loadavg) before the runs."
	echo
	echo "| output | runs | output MiB | best wall s | median wall s | best CPU s | median CPU s | median CPU µs/sample |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	report_row text "^recording: $SAMPLES samples"
	report_row "JSON (\`--json\`)" "\"samples\":$SAMPLES," --json
} | tee "$OUT"
