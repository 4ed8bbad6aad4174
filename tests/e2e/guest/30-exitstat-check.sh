#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The leaves seen from inside second-level guests: exitcheck (tests/vmm).
exec /bin/exitcheck
