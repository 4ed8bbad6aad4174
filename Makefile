# SPDX-License-Identifier: GPL-2.0
#
# exitstat: top-level build.  `make` builds the exitstat command,
# `make unit` runs the userspace unit tests (plain, then under ASan+UBSan),
# `make test` installs what the tests need and runs everything testable here.

O ?= build
CC ?= cc
SAN_CC ?= clang
CFLAGS ?= -O2 -g

VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wmissing-declarations -Wformat=2 -Wundef \
	-Wpointer-arith -Wwrite-strings -Wvla -Wcast-align \
	-Wimplicit-fallthrough -Wno-format-nonliteral
BASE_CFLAGS := -std=gnu11 $(WARNINGS) $(CFLAGS) -MMD -MP
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

CORE_SRCS := $(wildcard core/*.c)
TOOL_SRCS := $(filter-out tools/exitstat.c,$(wildcard tools/*.c))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_HELPERS := $(filter-out $(UNIT_SRCS),$(wildcard tests/unit/*.c))

CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)
# exitstat export --listen.  tools/http.c refers to it weakly, so that the
# static build links without it: keep it needed all the same.
MHD_LIBS := -Wl,--push-state,--no-as-needed \
	$(shell pkg-config --libs libmicrohttpd 2>/dev/null || echo -lmicrohttpd) \
	-Wl,--pop-state

.PHONY: all unit unit-bins test demo style clean deps module dkms-src dkms-install bench \
	fuzz reliability debug-kernel
.SECONDARY:
all: $(O)/plain/exitstat

# $(call variant,NAME,CC,EXTRA_CFLAGS): objects, exitstat and unit tests
# built into $(O)/NAME/.
define variant
$(1)_CFLAGS := $$(BASE_CFLAGS) $(3)
$(1)_CORE := $$(CORE_SRCS:%.c=$$(O)/$(1)/%.o)
$(1)_TOOLS := $$(TOOL_SRCS:%.c=$$(O)/$(1)/%.o)
$(1)_UNIT := $$(UNIT_SRCS:tests/unit/%.c=$$(O)/$(1)/tests/unit/%)
$(1)_HELPERS := $$(UNIT_HELPERS:%.c=$$(O)/$(1)/%.o)

$$(O)/$(1)/core/%.o: core/%.c
	@mkdir -p $$(@D)
	$(2) $$($(1)_CFLAGS) -ffreestanding -c $$< -o $$@

$$(O)/$(1)/tools/%.o: tools/%.c
	@mkdir -p $$(@D)
	$(2) $$($(1)_CFLAGS) -DEXITSTAT_VERSION='"$$(VERSION)"' -c $$< -o $$@

$$(O)/$(1)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $$(@D)
	$(2) $$($(1)_CFLAGS) -c $$< -o $$@

$$(O)/$(1)/exitstat: $$(O)/$(1)/tools/exitstat.o $$($(1)_TOOLS) $$($(1)_CORE)
	$(2) $(3) $$^ $$(MHD_LIBS) -o $$@

$$(O)/$(1)/tests/unit/test_%: $$(O)/$(1)/tests/unit/test_%.o \
		$$($(1)_HELPERS) $$($(1)_TOOLS) $$($(1)_CORE) $$(O)/$(1)/exitstat
	$(2) $(3) $$(filter %.o,$$^) $$(CMOCKA_LIBS) $$(MHD_LIBS) -o $$@

-include $$(wildcard $$(O)/$(1)/*/*.d $$(O)/$(1)/*/*/*.d)
endef

$(eval $(call variant,plain,$(CC),))
$(eval $(call variant,san,$(SAN_CC),$(SAN_FLAGS)))

unit-bins: $(plain_UNIT) $(san_UNIT)

# Runs every unit test binary of both variants; TAP in, one summary out.
unit: unit-bins
	@tests/run-unit.sh $(O) $(notdir $(plain_UNIT))

# A static exitstat, to copy into guests whatever their C library.
.PHONY: static
static: $(O)/static/exitstat
$(O)/static/exitstat: $(O)/plain/tools/exitstat.o $(plain_TOOLS) $(plain_CORE)
	@mkdir -p $(@D)
	$(CC) -static $^ -o $@

deps:
	scripts/install-deps.sh test

test: deps
	@tests/run-all.sh

# The main job: a Linux boot inside nested KVM, recorded and analysed.
demo:
	@demo/run.sh

style:
	scripts/style.sh

# Benchmarks (bench/results.md): figures to bench/hotpath/latest.md,
# bench/nested/latest{-icount,}.md and bench/tools/latest.md; about half
# an hour (top's memory run makes an hour's worth of refreshes, as fast as
# it can).
bench: all
	bench/hotpath/run.sh
	bench/nested/run.sh --icount 0
	bench/nested/run.sh
	bench/tools/run.sh

# libFuzzer on the CPUID contract and the tools' parsers, FUZZ_SECONDS
# a target (make test runs them 10 s each); prints the figures table.
FUZZ_SECONDS ?= 300
fuzz:
	tests/fuzz/run.sh --seconds $(FUZZ_SECONDS)

# The module's guest tests at full size on 6.1 (docs/reliability.md):
# 2000 VMs churned, 50 reloads under load; about 8 minutes.
reliability: deps
	tests/e2e/module.sh --series 6.1 --timeout 3600 \
		--append "churn.vms=2000 unload.cycles=50 e2e.timeout=1800"

# The module's guest tests on debug kernels built from Debian's source
# (KASAN, lockdep, PROVE_RCU, DEBUG_ATOMIC_SLEEP, kmemleak), with a positive
# control; docs/reliability.md.  The first build of each kernel takes about
# half an hour on 2 cores, each run then about 10 minutes.
DEBUG_SERIES ?= 6.1 6.12
debug-kernel:
	scripts/install-deps.sh debug
	st=0; for s in $(DEBUG_SERIES); do \
		tests/e2e/debug-kernel.sh --series $$s || st=1; \
	done; exit $$st

# exitstat.ko, for the kernel whose build tree is KDIR (default: running).
module:
	$(MAKE) -C kmod $(if $(KDIR),KDIR=$(KDIR))

# The DKMS source tree: kmod/ with a real copy of core/.
DKMS_VERSION := 0.1
DKMS_SRC := $(O)/dkms/exitstat-$(DKMS_VERSION)
dkms-src:
	rm -rf $(O)/dkms
	mkdir -p $(DKMS_SRC)/core
	cp kmod/Kbuild kmod/Makefile kmod/*.c kmod/*.h $(DKMS_SRC)/
	cp core/*.c core/*.h $(DKMS_SRC)/core/
	sed 's/@VERSION@/$(DKMS_VERSION)/' kmod/dkms.conf >$(DKMS_SRC)/dkms.conf

dkms-install: dkms-src
	rm -rf /usr/src/exitstat-$(DKMS_VERSION)
	cp -r $(DKMS_SRC) /usr/src/
	dkms install exitstat/$(DKMS_VERSION)

clean:
	rm -rf $(O)
	rm -rf kmod/.tmp_versions
	find kmod core \( -name '*.o' -o -name '*.ko' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name '.*.cmd' -o -name '*.symvers' \
		-o -name 'modules.order' \) -delete
