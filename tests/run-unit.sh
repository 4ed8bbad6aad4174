#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs the unit test binaries of the plain (gcc) and sanitizer (clang,
# ASan+UBSan) builds.  Usage: tests/run-unit.sh BUILD_DIR TEST_NAME...
# With EXITSTAT_NO_SUMMARY=1 it only prints the TAP lines (run-all.sh
# sources the same library and adds its own suites).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/tap.sh"

unit_suites() {
	local o=$1 variant t
	shift
	for variant in plain san; do
		for t in "$@"; do
			EXITSTAT_BIN="$o/$variant/exitstat" \
			CMOCKA_MESSAGE_OUTPUT=TAP \
			ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
			UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
				tap_suite "unit/$variant/$t" "$o/$variant/tests/unit/$t"
		done
	done
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	[ $# -ge 2 ] || { echo "usage: $0 BUILD_DIR TEST..." >&2; exit 2; }
	unit_suites "$@"
	tap_summary
fi
