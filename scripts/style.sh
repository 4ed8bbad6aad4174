#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make style: checkpatch on kernel-side code (kmod/ and core/, which is
# compiled into the module), clang-format on userspace C, SPDX lines on
# every source file.  Prints what is wrong and exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
checkpatch=$(scripts/fetch-checkpatch.sh)

kernel_files=$(git ls-files -co --exclude-standard -- 'kmod/*.[ch]' 'core/*.[ch]')
# Generated tables are long lists of numbers; everything else is checked.
# shellcheck disable=SC2086
if ! perl "$checkpatch" --no-tree --quiet --terse --show-types \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG \
	--file $kernel_files; then
	status=1
fi

user_files=$(git ls-files -co --exclude-standard -- 'tools/*.[ch]' \
	'tests/unit/*.[ch]' 'tests/vmm/*.[ch]')
# shellcheck disable=SC2086
if [ -n "$user_files" ] &&
   ! clang-format --style=file --dry-run --Werror $user_files; then
	status=1
fi

for f in $(git ls-files -co --exclude-standard -- '*.[chS]' '*.sh' \
		'Makefile' '*/Makefile' 'Kbuild' '*/Kbuild' '.ci/run'); do
	head -n 3 "$f" | grep -q 'SPDX-License-Identifier: GPL-2.0' || {
		echo "$f: no SPDX-License-Identifier: GPL-2.0 line" >&2
		status=1
	}
done
exit $status
