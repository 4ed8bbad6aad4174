#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/tools/run.sh - the host tools at scale, on generated stats files
# (tests/fixtures/gen-vcpus.sh):
#   - scrape latency of `exitstat export --listen` for 1,000 vCPUs, as
#     curl sees it, and the server's CPU time per scrape;
#   - memory of `exitstat top` over thousands of refreshes while VMs come
#     and go and counters reset (its resident size must stay flat).
# Writes the tables to bench/tools/latest.md (--out to change).

set -euo pipefail

PROG=${0##*/}
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
BIN=$TOP/build/plain/exitstat
GEN=$TOP/tests/fixtures/gen-vcpus.sh
OUT=$HERE/latest.md
SCRAPES=30
REFRESHES=3600

usage() {
	cat <<EOF
Usage: $PROG [--scrapes N] [--refreshes N] [--out FILE]

  --scrapes N     timed scrapes per host shape (default $SCRAPES)
  --refreshes N   exitstat top refreshes (default $REFRESHES: an hour at 1 s)
  --out FILE      the tables (default bench/tools/latest.md)
EOF
}

while [ $# -gt 0 ]; do
	case $1 in
	--scrapes) SCRAPES=$2; shift 2 ;;
	--refreshes) REFRESHES=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done

WORK=$(mktemp -d)
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

make -s -C "$TOP" all >&2
command -v curl >/dev/null || { echo "$PROG: needs curl" >&2; exit 1; }

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
	[ -n "$port" ] || { cat "$dir/err" >&2; exit 1; }
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
	wait "$pid"
	kill "$w"
	wait "$w" 2>/dev/null || true
	echo "| $REFRESHES | $n | ${first:-?} | $max | ${last:-?} |"
}

{
	echo "# exitstat export and top at scale"
	echo
	echo "$(date -u +%Y-%m-%d), $(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)),"
	echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the start."
	echo "Made by \`bench/tools/run.sh\`; stats files by \`tests/fixtures/gen-vcpus.sh\`."
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
} | tee "$OUT"
