#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# In the second-level guest: when it reached userspace (its uptime) and
# the kernel's own timestamps of the boot's milestones, from dmesg, so the
# demo can tell firmware, early kernel, device probing and userspace apart.
echo "EXITSTAT-L2-UPTIME $(cut -d' ' -f1 /proc/uptime)"
dmesg | grep -E 'Linux version|pci 0000:00:00.0|Freeing unused kernel image|Run /init' |
	sed 's/^/EXITSTAT-L2-DMESG /'
