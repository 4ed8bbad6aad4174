/* SPDX-License-Identifier: GPL-2.0 */
/* bench/hotpath stand-in for <linux/irq_work.h>: see ../kernel.h. */
#include "../kernel.h"
