#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# report-md.sh SUMMARY.json KVER EXITSTAT RAW: the demo's boot report in
# Markdown, on stdout (called by demo/analyse.sh).
set -euo pipefail

summary=$1 kver=$2 exitstat=$3 raw=$4

jq -r --arg kver "$kver" --arg date "$(date -u +%Y-%m-%d)" '
def commas: if length <= 3 then . else (.[0:length - 3] | commas) + "," + .[length - 3:] end;
def n: round | tostring | commas;
def ms($khz): . / $khz | round | tostring + " ms";
def pct($t): (. * 1000 / $t | round) / 10 | tostring + "%";
.npt as $on | .shadow as $off |
"# A Linux boot, analysed by exitstat",
"",
"Measured by `make demo` on \($date): Debian kernel \($kver) runs as the",
"nested KVM host (kvm_amd, AMD SVM emulated by QEMU with `-cpu EPYC`) and",
"boots the same kernel as a guest with a busybox userspace (\($on.boots)",
"boots with nested paging on, \($off.boots) with it off). Every boot",
"is recorded with `exitstat record` every 0.1 s; the figures below come from",
"`exitstat report` on those recordings.",
"",
"## How many exits does a boot take?",
"",
"| per boot | nested paging on | nested paging off |",
"|---|---:|---:|",
"| exits, mean | \($on.exits.mean | n) | \($off.exits.mean | n) |",
"| standard deviation | \($on.exits.sd | n) | \($off.exits.sd | n) |",
"| fewest – most | \($on.exits.min | n) – \($on.exits.max | n) | \($off.exits.min | n) – \($off.exits.max | n) |",
"| cycles in exits, mean | \($on.cycles.mean | n) | \($off.cycles.mean | n) |",
"| the same at the TSC rate | \($on.cycles.mean | ms($on.tsc_khz)) | \($off.cycles.mean | ms($off.tsc_khz)) |",
"",
"## Steady, or in bursts?",
"",
"Exits per boot phase (means over the boots). Phases come from the guest:",
"firmware until its kernel starts, early kernel until PCI enumeration,",
"device probing until /init, userspace until /init is done, then",
"shutdown.",
"",
"| phase | seconds (on) | exits (on) | exits/s (on) | seconds (off) | exits (off) | exits/s (off) |",
"|---|---:|---:|---:|---:|---:|---:|",
(range($on.phases | length) as $i | $on.phases[$i] as $p | $off.phases[$i] as $q |
"| \($p.name) | \($p.seconds * 100 | round / 100) | \($p.exits | n) | \(if $p.seconds > 0 then $p.exits / $p.seconds | n else "-" end) | \($q.seconds * 100 | round / 100) | \($q.exits | n) | \(if $q.seconds > 0 then $q.exits / $q.seconds | n else "-" end) |"),
"",
"`exitstat report` calls \($on.bursty) of \($on.boots) boots with nested paging on",
"and \($off.bursty) of \($off.boots) with it off \"bursty\" (an interval over three times",
"the median rate).",
"",
"## Which exit reasons are most and least frequent?",
"",
"Nested paging on, exits per boot (mean):",
"",
"| reason | code | exits | share | average cycles |",
"|---|---:|---:|---:|---:|",
($on.reasons[0:10][] | "| \(.name) | \(.code) | \(.exits | n) | \(.exits | pct($on.exits.mean)) | \(if .exits > 0 then .cycles / .exits | n else "-" end) |"),
"",
"Least frequent (but seen): \($on.reasons | map(select(.exits > 0)) | .[-3:] | reverse | map("\(.name) (\(.exits * 10 | round / 10))") | join(", ")).",
"",
"## What changes with nested paging off?",
"",
"| reason | on | off | off / on |",
"|---|---:|---:|---:|",
(([$on.reasons[0:8][].name] + [$off.reasons[0:8][].name]) | unique | map(. as $n |
	{name: $n, on: ([$on.reasons[] | select(.name == $n) | .exits] | add // 0),
	 off: ([$off.reasons[] | select(.name == $n) | .exits] | add // 0)}) |
	sort_by(-(.off + .on))[] |
	"| \(.name) | \(.on | n) | \(.off | n) | \(if .on == 0 then "only off" elif .off == 0 then "only on" else (.off / .on * 100 | round / 100 | tostring) + "x" end) |"),
"",
"Total: \($off.exits.mean / $on.exits.mean * 100 | round / 100)x the exits and \($off.cycles.mean / $on.cycles.mean * 100 | round / 100)x the cycles with nested paging off."
' "$summary"

cat <<END_OF_PLOTS

## Plots

Exit rate over the first boot, stacked by reason (nested paging on, then
off), and the distribution of exit costs:

![exit rate, nested paging on](npt-rate.svg)
![exit rate, nested paging off](shadow-rate.svg)
![exit cost, nested paging on](npt-latency.svg)
![exit cost, nested paging off](shadow-latency.svg)

## The first boot with nested paging off against the first with it on

\`exitstat diff\` of the two recordings:

END_OF_PLOTS
"$exitstat" diff --markdown "$raw/npt/boot1.rec" "$raw/shadow/boot1.rec" || true
cat <<'END_OF_NOTES'

## What these numbers are, and are not

- They are real KVM behaviour: a stock Debian kernel's kvm_amd handling a
  real Linux boot, every exit counted by exitstat.ko at KVM's tracepoints.
  The counts and the mix of reasons are what this KVM does for this guest.
- They are AMD SVM numbers (exit codes of the APM); an Intel VMX host has
  other reasons (EPT violations instead of NPF, and so on).
- The cycles are TSC cycles of a machine emulated by QEMU (TCG): every
  instruction of the nested host is translated, so an exit costs tens of
  thousands of cycles here instead of about a thousand on hardware. Ratios
  between reasons and between the two modes mean something; the absolute
  times do not.
- The guest is small (one vCPU, 256 MiB, no devices beyond a serial port,
  busybox as userspace) and prints little on its console; each character
  it prints is an I/O exit.
END_OF_NOTES
stalled_npt=$(cat "$raw/npt/stalled-boots" 2>/dev/null || echo 0)
stalled_shadow=$(cat "$raw/shadow/stalled-boots" 2>/dev/null || echo 0)
cat <<END_OF_STALLS
- Under the emulator an inner boot now and then stalls before its kernel
  starts (the firmware banner is printed, then only the host's timer
  interrupts exit). Such a boot is stopped after 150 s and run again; it
  is not in the figures. This run: $stalled_npt with nested paging on,
  $stalled_shadow with it off.
END_OF_STALLS
