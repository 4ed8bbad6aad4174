/* SPDX-License-Identifier: GPL-2.0 */
/* bench/hotpath stand-in for <asm/cpufeature.h>: see ../kernel.h. */
#include "../kernel.h"
