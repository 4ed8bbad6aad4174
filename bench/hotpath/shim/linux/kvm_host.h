/* SPDX-License-Identifier: GPL-2.0 */
/* bench/hotpath stand-in for <linux/kvm_host.h>: see ../kernel.h. */
#include "../kernel.h"
