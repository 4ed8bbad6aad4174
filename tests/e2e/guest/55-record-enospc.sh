#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# exitstat record onto a filesystem that fills up while a VM runs: it stops
# with status 1, says the disk is full and how many samples it kept, and
# the file holds exactly those samples, every one complete.

# shellcheck source=../guest-lib.sh
. /lib/e2e.sh

dir=/tmp/tiny
mkdir -p $dir
e2e_check "a 64 KiB filesystem" mount -t tmpfs -o size=64k tmpfs $dir
/bin/exitcheck busy 60 >/dev/null 2>&1 &
busy=$!
sleep 1
exitstat record -o $dir/rec 0.05 60 2>/tmp/enospc.err
rc=$?
kill $busy 2>/dev/null
wait $busy 2>/dev/null
sed 's/^/# /' /tmp/enospc.err
e2e_eq "record stopped with status 1" 1 "$rc"
kept=$(sed -n 's/.*No space left on device; kept \([0-9]*\) samples.*/\1/p' \
	/tmp/enospc.err)
e2e_check "it says the disk is full and what it kept (${kept:-?} samples)" \
	test "${kept:-0}" -ge 2
e2e_eq "the file holds that many samples" "$kept" \
	"$(grep -c '^sample-end ' $dir/rec)"
e2e_eq "and nothing after the last complete one" "sample-end $kept" \
	"$(tail -n 1 $dir/rec)"
e2e_check "exitstat report reads it" \
	sh -c "exitstat report $dir/rec >/tmp/enospc.report"
e2e_check "the report counts $kept samples" \
	grep -q "^recording: $kept samples " /tmp/enospc.report
umount $dir
e2e_exit
