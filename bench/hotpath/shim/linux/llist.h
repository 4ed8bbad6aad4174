/* SPDX-License-Identifier: GPL-2.0 */
/* bench/hotpath stand-in for <linux/llist.h>: see ../kernel.h. */
#include "../kernel.h"
