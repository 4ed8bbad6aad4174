#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fetches the kernel's checkpatch.pl (with the data files it reads) from
# Debian's current linux-source-6.12 package into the cache, and prints the
# path of checkpatch.pl.  Nothing is installed.
set -euo pipefail

cache=${EXITSTAT_CACHE:-$HOME/.cache/exitstat}/checkpatch
files=(scripts/checkpatch.pl scripts/spelling.txt
       scripts/const_structs.checkpatch .clang-format)

if [ ! -f "$cache/.complete" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	echo "fetch-checkpatch: downloading linux-source-6.12" >&2
	(cd "$tmp" && apt-get download -qq linux-source-6.12 >&2)
	dpkg-deb --fsys-tarfile "$tmp"/linux-source-6.12_*.deb |
		tar -x -C "$tmp" --wildcards './usr/src/linux-source-*.tar.xz'
	mkdir -p "$tmp/src"
	tar -xJf "$tmp"/usr/src/linux-source-*.tar.xz -C "$tmp/src" \
		--strip-components=1 --wildcards "${files[@]/#/*/}"
	rm -rf "$cache"
	mkdir -p "$(dirname "$cache")"
	mv "$tmp/src" "$cache"
	touch "$cache/.complete"
fi
echo "$cache/scripts/checkpatch.pl"
