#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Writes a recording (docs/recording-format.md) of a small, busy host on
# stdout: SAMPLES samples 0.25 s apart of one VM with VCPUS vCPUs, each
# with REASONS exit reasons whose counters grow every interval, with
# histograms over four buckets and figures that agree with them; every
# 500th interval is a burst (ten times the exits).  Deterministic.
# Made for the time `exitstat report` takes on a long recording
# (bench/tools/run.sh).
#   bench/tools/gen-recording.sh [SAMPLES [VCPUS [REASONS]]] >FILE
# Defaults: 1,000,000 samples, 2 vCPUs, 5 reasons (10 reason lines).
set -euo pipefail
samples=${1:-1000000} vcpus=${2:-2} reasons=${3:-5}
if [ "$reasons" -lt 1 ] || [ "$reasons" -gt 13 ]; then
	echo "gen-recording: REASONS must be 1 to 13" >&2
	exit 2
fi
awk -v samples="$samples" -v vcpus="$vcpus" -v nr="$reasons" '
BEGIN {
	CONVFMT = OFMT = "%.0f"	# whole numbers past 2^31, as mawk would not
	# the REASONS most frequent of these, in the order of their codes,
	# as the module writes them
	split("0x7b 0x72 0x78 0x60 0x400 0x7c 0x64 0x77 0x81 0x0 0x10 0x61 0x403",
	      name, " ")
	split("123 114 120 96 1024 124 100 119 129 0 16 97 1027", value, " ")
	for (r = 1; r <= nr; r++) {
		for (i = r; i > 1 && value[r] < code_value[i - 1]; i--) {
			codes[i] = codes[i - 1]; code_value[i] = code_value[i - 1]
		}
		codes[i] = name[r]; code_value[i] = value[r]
	}
	print "exitstat-recording 1 interval_ns=250000000 duration_ns=0"
	hdr = "exitstat-stats 1\nisa svm\nkernel 6.1\nscope vm\n" \
	      "tsc_khz 2994372\nhist_buckets 32\ncpuid_missed 0\nunattributed 0"
	# Reason k of vCPU c: buckets lo[k]..lo[k]+3; bucket b is i = 4k+b,
	# each of its exits costing cost[i]; inc[i] exits per interval.
	for (c = 0; c < vcpus; c++)
		for (r = 1; r <= nr; r++) {
			k = c * nr + r
			lo[k] = 9 + (k * 5) % 8
			for (b = 0; b < 4; b++) {
				i = 4 * k + b; e = lo[k] + b
				cost[i] = 2 ^ e + (k * 977 + b * 131) % 2 ^ e
				inc[i] = int(4000 / (k + 1) / (b * 3 + 1)) + 1
				h[i] = 0
			}
			ex[k] = 0; cy[k] = 0
			# the constant parts of its line, around the figures
			head[k] = "\nreason vm=1 vcpu=" c " code=" codes[r] " exits="
			i = 4 * k; e = lo[k]
			mid[k] = " min=" cost[i] " max=" cost[i + 3] " hist=" e ":"
			for (b = 1; b < 4; b++)
				sep[i + b] = "," e + b ":"
		}
	mono = 5000000000; real = 1731000000
	for (n = 1; n <= samples; n++) {
		boost = n % 500 ? 1 : 10
		jitter = (n * 7919) % 1000
		tex = 0; tcy = 0
		for (c = 0; c < vcpus; c++) {
			vex[c] = 0; vcy[c] = 0; body[c] = ""
			for (r = 1; r <= nr; r++) {
				k = c * nr + r
				i = 4 * k
				for (b = 0; b < 4; b++) {
					d = (inc[i + b] + (n + k + b) % 7) * boost
					h[i + b] += d
					ex[k] += d
					cy[k] += d * cost[i + b]
				}
				body[c] = body[c] head[k] ex[k] " cycles=" cy[k] mid[k] \
					h[i] sep[i + 1] h[i + 1] sep[i + 2] h[i + 2] \
					sep[i + 3] h[i + 3]
				vex[c] += ex[k]; vcy[c] += cy[k]
			}
			tex += vex[c]; tcy += vcy[c]
		}
		ns = 1000000000 + (n % 4) * 250000000 + jitter
		print "sample " n " mono_ns=" mono + n * 250000000 + jitter \
			" real_ns=" real + int(n / 4) substr(ns, 2)
		print hdr
		print "total exits=" tex " cycles=" tcy
		print "retired exits=0 cycles=0"
		print "vm id=1 pid=4242 stats_id=kvm-4242 vcpus=" vcpus " exits=" \
			tex " cycles=" tcy
		for (c = 0; c < vcpus; c++)
			print "vcpu vm=1 idx=" c " id=" c " tid=" 4250 + c " exits=" \
				vex[c] " cycles=" vcy[c] body[c]
		print "end"
		print "sample-end " n
	}
	print "stop interrupted (SIGINT)"
}'
