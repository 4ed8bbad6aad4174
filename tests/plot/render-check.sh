#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Draws every chart `exitstat plot` makes of the fixtures (and of a long
# synthetic recording from gen-long.py), checks each SVG is well-formed XML
# (xmllint), renders it with headless Chromium and checks the picture is
# not blank: its size, a few KB at least, many colours, some ink, and the
# first series' blue where there are exits.  Prints TAP.
#   tests/plot/render-check.sh [EXITSTAT]      (default build/plain/exitstat)
# KEEP=DIR keeps the SVGs and PNGs in DIR.  Needs chromium, libxml2-utils
# and python3 (Debian packages); what is missing is reported as a skip.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$(dirname "$here")")
bin=${1:-${EXITSTAT_BIN:-$top/build/plain/exitstat}}
fix=$top/tests/fixtures
chromium=${CHROMIUM:-chromium}
W=1000
H=600
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $*"; }

for tool in "$chromium" xmllint python3; do
	if ! command -v "$tool" >/dev/null; then
		echo "1..1"
		echo "ok 1 - render-check # SKIP $tool not found"
		exit 0
	fi
done
if [ ! -x "$bin" ]; then
	echo "1..1"
	echo "not ok 1 - render-check: no exitstat at $bin"
	exit 1
fi

out=${KEEP:-$(mktemp -d)}
mkdir -p "$out"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$out"' EXIT

# render SVG PNG: headless Chromium, the window the size of the chart
render() {
	local profile status
	profile=$(mktemp -d)
	timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --hide-scrollbars \
		--force-device-scale-factor=1 --user-data-dir="$profile" \
		--screenshot="$2" --window-size=$W,$H "file://$1" \
		>"$2.log" 2>&1
	status=$?
	rm -rf "$profile"
	return $status
}

# check NAME INK: the PNG of NAME; INK=1 wants the first series' blue
check() {
	local name=$1 ink=$2 png=$out/$1.png stat size
	local width height colours share blue
	if ! render "$out/$name.svg" "$png" || [ ! -s "$png" ]; then
		not_ok "$name: chromium wrote no picture ($(tail -n 1 "$png.log"))"
		return
	fi
	size=$(stat -c %s "$png")
	stat=$(python3 "$here/pngstat.py" "$png" 0072b2) || {
		not_ok "$name: $png: not a PNG that pngstat.py reads"
		return
	}
	read -r width height colours share blue <<<"$stat"
	width=${width#*=} height=${height#*=} colours=${colours#*=}
	share=${share#*=} blue=${blue#*=}
	if [ "$width" != $W ] || [ "$height" != $H ] || [ "$size" -lt 8000 ] ||
	   [ "$colours" -lt 16 ] ||
	   ! awk -v s="$share" 'BEGIN { exit !(s > 0.01 && s < 0.9) }' ||
	   { [ "$ink" = 1 ] && [ "$blue" -lt 500 ]; }; then
		not_ok "$name: looks blank or wrong: $size bytes, $stat"
		return
	fi
	ok "$name: rendered, $size bytes, $stat"
}

# plot NAME INK ARGS...: draws, checks the XML, renders and checks the PNG
plot() {
	local name=$1 ink=$2 err
	shift 2
	if ! err=$("$bin" plot --width $W --height $H -o "$out/$name.svg" \
		"$@" 2>&1); then
		not_ok "$name: exitstat plot $*: $err"
		return
	fi
	if err=$(xmllint --noout "$out/$name.svg" 2>&1); then
		ok "$name: well-formed XML"
	else
		not_ok "$name: not well-formed XML: $(echo "$err" | head -n 3)"
	fi
	check "$name" "$ink"
}

python3 "$here/gen-long.py" 1200 >"$out/long.rec"

plot small-rate 1 "$fix/small.rec"
plot small-latency 1 --latency --us "$fix/small.rec"
plot small-vm2 1 --per-vm 2 "$fix/small.rec"
plot main-rate 1 "$fix/svm-6.1-main.rec"
plot main-latency 1 --latency "$fix/svm-6.1-main.rec"
plot main-vm8 1 --per-vm 8 --top 2 "$fix/svm-6.1-main.rec"
plot pid-rate 1 "$fix/svm-6.1-pid.rec"
plot rmmod-rate 0 "$fix/svm-6.1-rmmod.rec"
for s in svm-6.1-live svm-6.1-busy svm-6.1-exitcheck vmx; do
	plot "$s-latency" 1 --latency "$fix/$s.stats"
done
plot long-rate 1 "$out/long.rec"
plot long-latency 1 --latency --us --top 7 "$out/long.rec"
plot long-vm2 1 --per-vm 2 --top 3 --title 'VM 2 <of 3> & "others"' \
	"$out/long.rec"

echo "1..$n"
exit $failed
