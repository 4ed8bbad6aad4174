#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo, shortened (one boot per mode), then its report checked against
# the raw recordings it came from: the exits report counted are exactly the
# growth of the host's total between the first and the last sample, the
# reasons add up to that total, the phases never hold more than the boot,
# and the Markdown report shows the same figures.  Prints TAP lines.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$TOP/build/demo-check
EXITSTAT=$TOP/build/plain/exitstat

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; failed=1; }
failed=0

if ! "$TOP/demo/run.sh" --boots 1 --offline --out "$OUT" >"$OUT.log" 2>&1; then
	sed 's/^/# /' "$OUT.log" | tail -n 20
	# The guest says so on its console; run.sh then finds no recording.
	if grep -qs 'inner boots stalled in the emulator' "$OUT"/raw/*-console.log &&
		! grep -q '| not ok' "$OUT.log"; then
		# Nothing to check: the emulator, not exitstat (docs/testing.md).
		echo "ok - demo report against its recordings # SKIP every inner boot of a mode stalled in the emulator"
		exit 0
	fi
	not_ok "demo/run.sh --boots 1 (log $OUT.log)"
	exit 1
fi
ok "demo/run.sh --boots 1 wrote $(ls "$OUT"/*.svg 2>/dev/null | wc -l) plots"

# total_growth REC: the host's total exits at the last sample minus at the
# first, read straight from the recording.
total_growth() {
	awk '/^total exits=/ { sub(/^total exits=/, ""); sub(/ .*/, "");
		if (first == "") first = $0; last = $0 }
		END { print last - first }' "$1"
}

for mode in npt shadow; do
	rec=$OUT/raw/$mode/boot1.rec
	json=$(grep '"boot":1' "$OUT/data/$mode.jsonl")
	raw=$(total_growth "$rec")
	rep=$(jq '.exits' <<<"$json")
	[ "$raw" = "$rep" ] && [ "$raw" -gt 1000 ] &&
		ok "$mode: report's exits ($rep) = growth of the recorded total" ||
		not_ok "$mode: report's exits $rep, recorded total grew by $raw"
	sum=$(jq '[.reasons[].exits] | add' <<<"$json")
	[ "$sum" = "$rep" ] && ok "$mode: the reasons add up to the total" ||
		not_ok "$mode: reasons add up to $sum, total $rep"
	phases=$(jq '[.phases[].exits] | add' <<<"$json")
	[ "$phases" -le "$rep" ] && [ "$phases" -gt 0 ] &&
		ok "$mode: the phases hold $phases of the $rep exits" ||
		not_ok "$mode: the phases hold $phases exits, the boot $rep"
	shown=$(sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$rep")
	grep -q "| exits, mean |.*$shown" "$OUT/boot-report.md" &&
		ok "$mode: boot-report.md shows $shown exits" ||
		not_ok "$mode: boot-report.md does not show $shown exits"
done
report=$("$EXITSTAT" report --json "$OUT/raw/npt/boot1.rec" | jq '.exits')
[ "$report" = "$(jq '.exits' <<<"$(grep '"boot":1' "$OUT/data/npt.jsonl")")" ] &&
	ok "exitstat report on the recording agrees with the demo's data" ||
	not_ok "exitstat report says $report exits"
exit $failed
