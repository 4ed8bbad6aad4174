#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Installs the Debian 12 packages a job needs, only those missing.
# Usage: scripts/install-deps.sh build|test|demo
set -euo pipefail

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

case "${1:-}" in
build) want=("${build[@]}") ;;
test) want=("${build[@]}" "${e2e[@]}" "${vmx[@]}" "${render[@]}" "${checks[@]}") ;;
demo) want=("${build[@]}" "${e2e[@]}") ;;
*)
	echo "usage: $0 build|test|demo" >&2
	exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || {
		echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
		exit 1
	}
	sudo=sudo
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Wait for another apt or dpkg to finish rather than fail.
lock=(-o DPkg::Lock::Timeout=600)
$sudo apt-get "${lock[@]}" update -qq
$sudo apt-get "${lock[@]}" install -y -qq --no-install-recommends \
	"${missing[@]}" >&2
