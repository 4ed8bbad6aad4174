#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Installs the Debian 12 packages a job needs, only those missing.
# Usage: scripts/install-deps.sh build|test|demo|debug
set -euo pipefail

PROG=install-deps
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# clang only recommends libclang-rt-14-dev, which holds the ASan, UBSan
# and libFuzzer runtimes (make unit, tests/fuzz).
build=(make gcc clang libclang-rt-14-dev pkg-config libcmocka-dev libmicrohttpd-dev)
# Kernels and nested KVM under QEMU (tests/e2e), module builds, style.
# fetch-kernel.sh adds the compiler and tools the kernel headers ask for.
e2e=(qemu-system-x86 busybox-static cpio xz-utils kmod ca-certificates jq)
# Intel VMX is emulated by Bochs, booted from an ISOLINUX image.
vmx=(bochs bochsbios vgabios isolinux syslinux-common xorriso)
# Plots are checked rendered, in headless Chromium.
render=(chromium fonts-dejavu-core libxml2-utils python3)
# The Prometheus scrape test and the man page check.
checks=(curl mandoc)
# Building the debug kernel (make debug-kernel) from Debian's source.
debug=(bc bison flex libelf-dev libssl-dev procps)

case "${1:-}" in
build) want=("${build[@]}") ;;
test) want=("${build[@]}" "${e2e[@]}" "${vmx[@]}" "${render[@]}" "${checks[@]}") ;;
demo) want=("${build[@]}" "${e2e[@]}") ;;
debug) want=("${build[@]}" "${e2e[@]}" "${debug[@]}") ;;
*)
	echo "usage: $0 build|test|demo|debug" >&2
	exit 2 ;;
esac
need_packages "${want[@]}"

