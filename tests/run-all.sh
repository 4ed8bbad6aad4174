#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Everything `make test` runs: builds, unit tests under two compilers and
# the sanitizers, the command-line, plot, Prometheus and style checks,
# exitstat.ko end to end inside nested KVM on both kernel series (AMD SVM
# under QEMU, Intel VMX under Bochs), a shortened make demo checked against
# its recordings, and smoke runs of the benchmarks.  Ends with one line "N passed, N failed, N skipped"
# and a non-zero status on any failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
cd "$top" || exit 1
. tests/lib/tap.sh
. tests/run-unit.sh

O=${O:-build}
jobs=$(nproc 2>/dev/null || echo 2)

tap_check build make -s -j"$jobs" O="$O" all unit-bins
units=$(cd "$O/plain/tests/unit" 2>/dev/null && ls test_* 2>/dev/null | grep -v '\.[od]$')
# shellcheck disable=SC2086
unit_suites "$O" $units
tap_check "cli/reasons-json" sh -c \
	"'$O/plain/exitstat' reasons --json | jq -e 'length == 2 and all(.[]; (.reasons | length) > 0)'"
tap_check style scripts/style.sh
# libFuzzer on the contract and the tools' parsers, briefly (longer runs:
# tests/fuzz/run.sh --seconds N, figures in docs/reliability.md).
tap_suite fuzz tests/fuzz/run.sh --smoke
tap_suite plot/render tests/plot/render-check.sh "$O/plain/exitstat"
tap_suite prometheus tests/prometheus/run.sh
tap_check man mandoc -T lint -W warning docs/exitstat.1
# The kernels first, once.  Then the Bochs boots (Intel VMX) run in the
# background while the QEMU ones and the demo run one after the other:
# each emulator keeps one core busy.
for series in 6.1 6.12; do
	tap_check "e2e/kernel-$series" scripts/fetch-kernel.sh "$series"
done
tap_start e2e/vmx tests/e2e/module.sh --vmx --workdir "$O/e2e-vmx"
tap_suite e2e/module tests/e2e/module.sh
tap_suite demo tests/demo/check.sh
tap_finish e2e/vmx
# Smoke runs of the benchmarks, so they do not rot (figures: make bench).
tap_check bench/hotpath bench/hotpath/run.sh --smoke
tap_check bench/nested bench/nested/run.sh --smoke --offline
tap_check bench/tools bench/tools/run.sh --smoke

tap_summary
