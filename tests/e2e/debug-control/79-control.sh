#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Positive control: load the module with one bug of each kind, then clear
# the kernel log: the reports must be caught all the same.
. /lib/e2e.sh
e2e_check "insmod es_debug_control.ko" insmod /lib/modules/es_debug_control.ko
dmesg -c >/dev/null
e2e_exit
