#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# Writes a long synthetic VMX recording for `exitstat plot` (not captured:
# made up, but in the recording format of docs/recording-format.md):
#   python3 tests/plot/gen-long.py [SAMPLES] >long.rec
# One sample a second (default 1800, half an hour); three VMs with two
# vCPUs each: VM 1 all along, VM 2 from 10 % to 60 % of the time, VM 3
# from 40 % on; a slow wave of EPT violations and I/O, a burst of exits
# every 300 s, a reset at 75 %, ten exit reasons (so some are "other").
# Same output for the same SAMPLES: the generator has a fixed seed.
import math
import random
import sys

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1800
rnd = random.Random(4)

# code: (share of exits, latency bucket of most of them)
REASONS = {
    48: (0.30, 12),   # EPT_VIOLATION
    30: (0.22, 13),   # IO_INSTRUCTION
    1: (0.12, 11),    # EXTERNAL_INTERRUPT
    32: (0.10, 10),   # MSR_WRITE
    12: (0.08, 16),   # HLT
    10: (0.06, 9),    # CPUID
    52: (0.05, 10),   # PREEMPTION_TIMER
    40: (0.04, 9),    # PAUSE
    49: (0.02, 12),   # EPT_MISCONFIG
    56: (0.01, 11),   # APIC_WRITE
}
VMS = {1: (0.0, 1.01), 2: (0.10, 0.60), 3: (0.40, 1.01)}


class Fig:
    def __init__(self):
        self.exits = self.cycles = self.min = self.max = 0
        self.hist = {}

    def add(self, n, bucket):
        for b, k in ((bucket, n - n // 5), (bucket + 1, n // 8),
                     (bucket + 3, n // 5 - n // 8)):
            if k <= 0:
                continue
            cyc = (1 << b) + (1 << b) // 3
            self.hist[b] = self.hist.get(b, 0) + k
            self.exits += k
            self.cycles += k * cyc
            self.min = cyc if not self.min else min(self.min, cyc)
            self.max = max(self.max, cyc)

    def line(self):
        h = ",".join("%d:%d" % (b, c) for b, c in sorted(self.hist.items()))
        return "exits=%d cycles=%d min=%d max=%d hist=%s" % (
            self.exits, self.cycles, self.min, self.max, h)


def rate(t):
    """Exits per second of one VM at second t."""
    r = 3000 + 2000 * math.sin(t / 97.0) + 800 * math.sin(t / 13.0)
    if t % 300 < 8:
        r *= 6  # a burst
    return max(0.0, r * (0.8 + 0.4 * rnd.random()))


def snapshot(t, live, retired):
    lines = ["exitstat-stats 1", "isa vmx", "kernel 6.1", "scope vm",
             "tsc_khz 2400000", "hist_buckets 32", "cpuid_missed 0",
             "unattributed 0"]
    tot_e = sum(f.exits for f in retired.values())
    tot_c = sum(f.cycles for f in retired.values())
    body = []
    for vm in sorted(live):
        vex = sum(f.exits for v in live[vm].values() for f in v.values())
        vcy = sum(f.cycles for v in live[vm].values() for f in v.values())
        tot_e += vex
        tot_c += vcy
        body.append("vm id=%d pid=%d stats_id=kvm-%d vcpus=2 exits=%d cycles=%d"
                    % (vm, 1000 + vm, 1000 + vm, vex, vcy))
        for idx in sorted(live[vm]):
            figs = live[vm][idx]
            body.append("vcpu vm=%d idx=%d id=%d tid=%d exits=%d cycles=%d" % (
                vm, idx, idx, 2000 + 10 * vm + idx,
                sum(f.exits for f in figs.values()),
                sum(f.cycles for f in figs.values())))
            for code in sorted(figs):
                body.append("reason vm=%d vcpu=%d code=0x%x %s"
                            % (vm, idx, code, figs[code].line()))
    lines.append("total exits=%d cycles=%d" % (tot_e, tot_c))
    lines.append("retired exits=%d cycles=%d" % (
        sum(f.exits for f in retired.values()),
        sum(f.cycles for f in retired.values())))
    for code in sorted(retired):
        lines.append("retired-reason code=0x%x %s" % (code, retired[code].line()))
    return lines + body + ["end"]


def retire(figs, retired):
    for v in figs.values():
        for code, f in v.items():
            r = retired.setdefault(code, Fig())
            r.exits += f.exits
            r.cycles += f.cycles
            for b, c in f.hist.items():
                r.hist[b] = r.hist.get(b, 0) + c
            r.min = f.min if not r.min else min(r.min, f.min)
            r.max = max(r.max, f.max)


def main():
    live, retired = {}, {}
    out = ["exitstat-recording 1 interval_ns=1000000000 duration_ns=%d"
           % ((N - 1) * 10**9)]
    for seq in range(1, N + 1):
        t = seq - 1
        if t == int(N * 0.75):  # a reset: everything back to zero
            retired = {}
            live = {vm: {0: {}, 1: {}} for vm in live}
        for vm, (a, b) in VMS.items():
            on = a * N <= t < b * N
            if on and vm not in live:
                live[vm] = {0: {}, 1: {}}
            elif not on and vm in live:
                retire(live.pop(vm), retired)
        for vm in live:
            n = rate(t + 40 * vm)
            for idx in (0, 1):
                for code, (share, bucket) in REASONS.items():
                    k = int(n * share / 2)
                    if k:
                        live[vm][idx].setdefault(code, Fig()).add(k, bucket)
        mono = 5 * 10**9 + t * 10**9 + rnd.randrange(0, 2000000)
        out.append("sample %d mono_ns=%d real_ns=%d" % (
            seq, mono, 1700000000 * 10**9 + mono))
        out += snapshot(t, live, retired)
        out.append("sample-end %d" % seq)
    out.append("stop duration reached")
    print("\n".join(out))


main()
