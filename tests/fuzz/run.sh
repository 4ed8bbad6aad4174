#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Builds the libFuzzer targets of tests/fuzz/ with clang, libFuzzer, ASan
# and UBSan (and the project's warning flags, read from the Makefile) into
# $O/fuzz/ (O: build), then runs each for a while, one after the other:
#
#   tests/fuzz/run.sh --smoke [TARGET...]      10 s a target; TAP:
#       "ok - TARGET (10 s, N runs)", or "not ok - ..." naming the crash
#       file; exits non-zero on any crash
#   tests/fuzz/run.sh --seconds N [TARGET...]  N s a target; then a
#       Markdown table: target, seconds, runs, corpus size, crashes
#   tests/fuzz/run.sh --build                  only build
#
# TARGET: cpuid, stats, recording, cli (default: all).  Each run starts
# from the seeds in tests/fuzz/corpus/TARGET and the inputs earlier runs
# found, kept in $O/fuzz/corpus/TARGET (the seeds are never written).
# A crash leaves its input in $O/fuzz/artifacts/TARGET/ and libFuzzer's
# output in $O/fuzz/log/TARGET.log; replay it with
#   $O/fuzz/fuzz_TARGET CRASH_FILE
# libFuzzer is Debian's libclang-rt-14-dev (clang only recommends it).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$(dirname "$here")")
cd "$top" || exit 1

O=${O:-build}
out=$top/$O/fuzz
CC=${FUZZ_CC:-clang}
all_targets=(cpuid stats recording cli)

usage() {
	echo "usage: $0 --smoke | --seconds N | --build [TARGET...]" >&2
	exit 2
}

mode=${1:-}
case $mode in
--smoke) secs=10 ;;
--seconds)
	secs=${2:-}
	[[ $secs =~ ^[1-9][0-9]*$ ]] || usage
	shift ;;
--build) secs=0 ;;
*) usage ;;
esac
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
	[ -f "$here/fuzz_$t.c" ] || usage
done

# The Makefile's WARNINGS, through a rule that prints a variable.
# shellcheck disable=SC2016 # $($*) is make's
read -ra warnings < <(printf 'fuzz-print-%%:\n\t@echo $($*)\n' |
	make -s --no-print-directory -f Makefile -f - fuzz-print-WARNINGS)
[ ${#warnings[@]} -gt 0 ] || { echo "$0: no WARNINGS in the Makefile" >&2; exit 1; }
cflags=(-std=gnu11 "${warnings[@]}" -O1 -g
	"-fsanitize=fuzzer,address,undefined" -fno-sanitize-recover=all
	-fno-omit-frame-pointer)

# The objects of each target besides its own source (core/ for all).
tools_of() {
	case $1 in
	cpuid) ;;
	stats) echo tools/kv.c tools/stats.c ;;
	recording) echo tools/kv.c tools/stats.c tools/recording.c ;;
	cli)
		for src in tools/*.c; do
			[ "$src" = tools/exitstat.c ] || echo "$src"
		done ;;
	esac
}

# Whether object $1 of source $2 is older than anything it was built from.
stale() {
	local obj=$1 src=$2 dep
	[ -e "$obj" ] && [ -e "${obj%.o}.d" ] || return 0
	for dep in $(sed -e 's/^[^:]*://' -e 's/\\$//' "${obj%.o}.d") "$src"; do
		[ "$dep" -nt "$obj" ] && return 0
	done
	return 1
}

# cmd COMMAND...: prints it, quoted for the shell, and runs it.
cmd() {
	printf '%q ' "$@"
	echo
	"$@"
}

# compile SRC [FLAGS...]: its object under $out/obj, if stale.
compile() {
	local src=$1 obj=$out/obj/${1%.c}.o
	shift
	stale "$obj" "$src" || return 0
	mkdir -p "$(dirname "$obj")"
	cmd "$CC" "${cflags[@]}" "$@" -MMD -MP -c "$src" -o "$obj"
}

build() {
	local t src objs
	mkdir -p "$out/obj"
	# Other flags, other objects.
	if [ "$(cat "$out/flags" 2>/dev/null)" != "$CC ${cflags[*]}" ]; then
		rm -rf "$out/obj"
		mkdir -p "$out/obj"
		echo "$CC ${cflags[*]}" >"$out/flags"
	fi
	for src in core/*.c; do
		compile "$src" -ffreestanding || return 1
	done
	for src in $(tools_of cli); do
		compile "$src" || return 1
	done
	for t in "${targets[@]}"; do
		compile "tests/fuzz/fuzz_$t.c" \
			-DFUZZ_FIXTURES="\"$top/tests/fixtures\"" || return 1
		objs=("$out/obj/tests/fuzz/fuzz_$t.o")
		for src in core/*.c $(tools_of "$t"); do
			objs+=("$out/obj/${src%.c}.o")
		done
		[ -e "$out/fuzz_$t" ] &&
			[ -z "$(find "${objs[@]}" -newer "$out/fuzz_$t")" ] &&
			continue
		cmd "$CC" "${cflags[@]}" "${objs[@]}" -lm -o "$out/fuzz_$t" ||
			return 1
	done
}

# fuzz TARGET SECONDS: runs it; sets runs, corpus, crash (file or "").
fuzz() {
	local t=$1 s=$2 log=$out/log/$1.log opts=()
	rm -rf "$out/tmp" # what a crashed cli run left
	mkdir -p "$out/corpus/$t" "$out/artifacts/$t" "$out/log" "$out/tmp"
	# The CLI prints: to /dev/null, libFuzzer's and the sanitizers'
	# reports still on stderr.
	[ "$t" = cli ] && opts+=(-close_fd_mask=3)
	TMPDIR=$out/tmp UBSAN_OPTIONS=print_stacktrace=1 \
		"$out/fuzz_$t" -max_total_time="$s" -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$out/artifacts/$t/" \
		"${opts[@]}" "$out/corpus/$t" "$here/corpus/$t" >"$log" 2>&1
	status=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
		tail -n 1)
	corpus=$(grep -o 'corp: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" |
		tail -n 1)
	if [ "$status" -ne 0 ] && [ -z "$crash" ]; then
		crash="(none written: exit status $status, see $log)"
	fi
}

if ! blog=$(build 2>&1); then
	printf '%s\n' "$blog" | tail -n 40 | sed 's/^/# /'
	echo "not ok - build"
	exit 1
fi
if [ "$mode" = --build ]; then
	[ -z "$blog" ] || printf '%s\n' "$blog"
	exit 0
fi

failed=0
rows=()
for t in "${targets[@]}"; do
	fuzz "$t" "$secs"
	if [ "$mode" = --smoke ]; then
		if [ -z "$crash" ]; then
			echo "ok - $t ($secs s, ${runs:-0} runs)"
		else
			grep -m 1 -A 12 -E '^==[0-9]+== ?ERROR|runtime error|^fuzz_' \
				"$out/log/$t.log" | sed 's/^/# /'
			echo "not ok - $t: crash after ${runs:-?} runs: $crash"
		fi
	fi
	[ -z "$crash" ] || failed=1
	rows+=("| $t | $secs | ${runs:-?} | ${corpus:-?} | ${crash:-0} |")
done
if [ "$mode" = --seconds ]; then
	echo "| target | seconds | runs | corpus | crashes |"
	echo "|---|--:|--:|--:|---|"
	printf '%s\n' "${rows[@]}"
fi
exit $failed
