# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# lib.sh - what the project's bash scripts share: messages, option errors
# and Debian packages.  Sourced; the script sets PROG first, and MSG_TAG
# when its messages should name what it works on ("PROG [TAG]: ...").

# msg TEXT: a progress line on stderr.
msg() { printf '%s: %s\n' "$PROG${MSG_TAG:+ [$MSG_TAG]}" "$*" >&2; }

# die TEXT: a fatal error; exit status 1.
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

# usage_err TEXT: the command line is wrong; exit status 2.
usage_err() { printf '%s: error: %s (see --help)\n' "$PROG" "$*" >&2; exit 2; }

# needarg "$@": the option in $1 has an argument after it.
needarg() { [ $# -ge 2 ] || usage_err "option $1 needs an argument"; }

# need_packages PKG...: installs those of the Debian packages that are
# missing, with apt-get as root or through sudo; dies naming them if it
# cannot.
need_packages() {
	local p sudo=() missing=() lock=(-o DPkg::Lock::Timeout=600)

	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || missing+=("$p")
	done
	[ ${#missing[@]} -gt 0 ] || return 0
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null ||
			die "missing packages ${missing[*]}; install them as root (apt-get install ${missing[*]})"
		sudo=(sudo)
	fi
	msg "installing ${missing[*]}"
	# Waits for another apt or dpkg to finish rather than fail.
	"${sudo[@]}" apt-get "${lock[@]}" update -qq >&2 &&
		"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${lock[@]}" \
			install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
		die "apt-get install ${missing[*]} failed"
}

# apt_candidate PKG: the version apt would install, empty if none.
apt_candidate() {
	apt-cache policy "$1" 2>/dev/null |
		awk '/Candidate:/ { if ($2 != "(none)") print $2 }'
}

# apt_download PKG=VERSION DIR: downloads the package's .deb into DIR
# (through a scratch directory, so DIR never holds a partial file) and
# prints its path.  Nothing is installed.
apt_download() {
	local part deb apt_opts=()

	rm -rf "$2"/.partial.*
	part=$(mktemp -d "$2/.partial.XXXXXX") || die "cannot write to $2"
	# As root, apt drops to the _apt user, which may not write to DIR.
	[ "$(id -u)" != 0 ] || apt_opts=(-o APT::Sandbox::User=root)
	(cd "$part" && apt-get download -q "${apt_opts[@]}" "$1" >&2) ||
		{ rm -rf "$part"; die "apt-get download $1 failed"; }
	deb=$(find "$part" -maxdepth 1 -name '*.deb' -print -quit)
	[ -n "$deb" ] || { rm -rf "$part"; die "apt-get download $1 produced no .deb"; }
	mv "$deb" "$2/" && rm -rf "$part"
	printf '%s\n' "$2/${deb##*/}"
}
