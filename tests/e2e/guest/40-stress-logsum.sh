#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The kernel-log summary under a burst of exits: a summary is due after
# every single exit (log_every=1), yet at most one is logged per
# log_interval_ms, with the right names.

# shellcheck source=../guest-lib.sh
. /lib/e2e.sh

params=/sys/module/exitstat/parameters
# Empty loop turns after each exit (exitcheck busy SECONDS SPIN): under
# Bochs the guest's clock counts instructions, and a second of unpaced
# exits would take minutes.
spin=$(e2e_cmdline busy.spin 0)
io=IOIO
[ "$(e2e_isa)" = svm ] || io=IO_INSTRUCTION

echo 1 >$params/log_every
echo 200 >$params/log_interval_ms
dmesg -c >/dev/null
e2e_check "3 s of port I/O exits" /bin/exitcheck busy 3 "$spin"
sleep 1
echo 0 >$params/log_every
n=$(dmesg | grep -c 'exitstat: [0-9]* exits (+[0-9]*), ')
e2e_check "summaries were logged ($n)" test "$n" -ge 2
# 4 s at one per 200 ms, plus one for the timer's phase.
e2e_check "at most one summary per 200 ms ($n in 4 s)" test "$n" -le 21
e2e_check "summary lines name $io" sh -c "dmesg | grep -qE 'exitstat:   $io +[0-9]+ exits'"
e2e_check "no summary line says UNKNOWN" sh -c "! dmesg | grep -q 'exitstat:   UNKNOWN'"
echo 10000 >$params/log_every
echo 1000 >$params/log_interval_ms
e2e_exit
