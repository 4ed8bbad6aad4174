#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# analyse.sh - turn the demo's raw results (DIR/raw/MODE/bootN.{rec,console,
# meta}) into DIR/boot-report.md, per-boot JSON in DIR/data/ and plots, and
# print a short summary.  Every figure comes from exitstat report on the
# recordings; boot phases come from the inner guest's console.
#
#   demo/analyse.sh [--exitstat BIN] [--kernel KVER] DIR
set -euo pipefail

PROG=${0##*/}
EXITSTAT=exitstat
KVER=unknown
MODES=(npt shadow)

die() { printf '%s: %s\n' "$PROG" "$*" >&2; exit 2; }

while [ $# -gt 1 ]; do
	case $1 in
	--exitstat) EXITSTAT=$2; shift ;;
	--kernel) KVER=$2; shift ;;
	*) die "unknown argument '$1'" ;;
	esac
	shift
done
[ $# -eq 1 ] || die "usage: $PROG [--exitstat BIN] [--kernel KVER] DIR"
DIR=$1
RAW=$DIR/raw
DATA=$DIR/data
mkdir -p "$DATA"
command -v jq >/dev/null || die "jq is needed (apt-get install jq)"

# phases BOOTBASE: "name start end" in seconds of the outer guest's uptime.
# Firmware until the kernel starts; early kernel until PCI enumeration;
# device probing until /init runs; userspace until /init is done; then
# shutdown until QEMU exits.
phases() {
	awk '
	FILENAME ~ /meta$/ { t[$1] = $2; next }
	/EXITSTAT-L2-UPTIME/ { kstart = $1 - $3 }
	/EXITSTAT-L2-DMESG/ {
		match($0, /\[ *[0-9.]+\]/)
		ts = substr($0, RSTART + 1, RLENGTH - 2) + 0
		if ($0 ~ /pci 0000:00:00.0/ && !pci) pci = ts
		if ($0 ~ /Run \/init/) init = ts
	}
	/EXITSTAT-L2-DONE/ { done = $1 }
	END {
		if (!kstart || !pci || !init || !done) exit 1
		print "firmware", t["qemu_start"], kstart
		print "early-kernel", kstart, kstart + pci
		print "device-probing", kstart + pci, kstart + init
		print "userspace", kstart + init, done
		print "shutdown", done, t["qemu_end"]
	}' "$1.meta" "$1.console"
}

# boot_json MODE N: one boot's figures and phases as one JSON object.
boot_json() {
	local base=$RAW/$1/boot$2 report ph rec0
	report=$("$EXITSTAT" report --json "$base.rec")
	ph=$(phases "$base") || die "$base: boot phases not found in the console"
	rec0=$(sed -n '2s/.*mono_ns=\([0-9]*\).*/\1/p' "$base.rec")
	[ -n "$rec0" ] || rec0=$(grep -m1 '^sample ' "$base.rec" |
		sed 's/.*mono_ns=\([0-9]*\).*/\1/')
	jq -c --arg mode "$1" --argjson boot "$2" --arg phases "$ph" \
		--argjson rec0 "$rec0" '
	def phase_list: $phases | split("\n") | map(select(length > 0) |
		split(" ") | {name: .[0], start: (.[1] | tonumber),
		end: (.[2] | tonumber)});
	. as $r | (phase_list | map(. as $p | $p + {
		seconds: ($p.end - $p.start),
		exits: ([$r.intervals[] |
			((.from_s + .to_s) / 2 + $rec0 / 1e9) as $mid |
			select($mid >= $p.start and $mid < $p.end) | .exits] | add // 0)
	})) as $ph |
	{mode: $mode, boot: $boot, exits: $r.exits, cycles: $r.cycles,
	 tsc_khz: $r.tsc_khz, isa: $r.isa, pattern: $r.pattern,
	 bursts: ($r.bursts | length), phases: $ph,
	 reasons: [$r.reasons[] | {name, code, exits, cycles, avg}]}' <<<"$report"
}

for mode in "${MODES[@]}"; do
	recs=("$RAW/$mode"/boot*.rec)
	[ -e "${recs[0]}" ] ||
		die "no recordings in $RAW/$mode (every inner boot stalled?)"
	for rec in "${recs[@]}"; do
		i=${rec##*/boot}
		boot_json "$mode" "${i%.rec}"
	done >"$DATA/$mode.jsonl"
done

# The aggregate the report is written from.
jq -s '
def mean: add / length;
def sd: (mean) as $m | (map((. - $m) * (. - $m)) | add / length) | sqrt;
group_by(.mode) | map({
	mode: .[0].mode, boots: length, isa: .[0].isa, tsc_khz: .[0].tsc_khz,
	exits: (map(.exits) | {mean: mean, sd: sd, min: min, max: max}),
	cycles: (map(.cycles) | {mean: mean, sd: sd, min: min, max: max}),
	bursty: (map(select(.pattern == "bursty")) | length),
	phases: ([.[].phases[]] | group_by(.name) | map({
		name: .[0].name, seconds: (map(.seconds) | mean),
		exits: (map(.exits) | mean)}) | sort_by(
		["firmware", "early-kernel", "device-probing", "userspace",
		 "shutdown"] as $o | .name as $n | $o | index($n))),
	reasons: (length as $b | [.[].reasons[]] | group_by(.name) | map({
		name: .[0].name, code: .[0].code,
		exits: ((map(.exits) | add) / $b),
		cycles: ((map(.cycles) | add) / $b)}) | sort_by(-.exits))
}) | map({(.mode): .}) | add' "$DATA"/*.jsonl >"$DATA/summary.json"

"$(dirname "$0")/report-md.sh" "$DATA/summary.json" "$KVER" "$EXITSTAT" \
	"$RAW" >"$DIR/boot-report.md"

# Plots, when this exitstat has them.
if "$EXITSTAT" plot --help >/dev/null 2>&1; then
	for mode in "${MODES[@]}"; do
		what="nested paging on"
		[ "$mode" = npt ] || what="nested paging off (shadow paging)"
		"$EXITSTAT" plot "$RAW/$mode/boot1.rec" -o "$DIR/$mode-rate.svg" \
			--title "Exit rate of a Linux boot, $what"
		"$EXITSTAT" plot --latency "$RAW/$mode/boot1.rec" \
			-o "$DIR/$mode-latency.svg" \
			--title "Exit cost of a Linux boot, $what"
	done
fi

sed -e '/^!\[/d' "$DIR/boot-report.md"
echo
jq -r '
(.npt, .shadow) | "\(.mode): \(.boots) boots, \(.exits.mean | round) exits per boot (sd \(.exits.sd | round)), top reasons: \(.reasons[0:3] | map("\(.name) \(.exits | round)") | join(", "))"
' "$DATA/summary.json"
echo "report: $DIR/boot-report.md (plots: $DIR/*.svg; recordings: $RAW)"
