/* SPDX-License-Identifier: GPL-2.0 */
/* bench/hotpath: the proposed hot path (proposed.c). */
#ifndef BENCH_PROPOSED_H
#define BENCH_PROPOSED_H

int pr_probes_init(void);
void pr_probes_exit(void);

#endif /* BENCH_PROPOSED_H */
