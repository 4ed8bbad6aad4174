#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# In the second-level guest: what the static exitstat reads through the
# CPUID leaves, between markers the outer guest looks for.
echo "EXITSTAT-L2-GUEST-BEGIN"
/bin/exitstat guest --json
echo "EXITSTAT-L2-GUEST-END rc=$?"
/bin/exitstat guest
