#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Derive, from KVM's own source, which exit codes KVM has a handler for, and
# print core/kvm_handlers.c (the es_kvm_vmx_handlers / es_kvm_svm_handlers
# tables declared in core/reasons.h).
#
# The rule: a code is "handled" when it has an entry in the designated
# initializer of the exit-handler array of that kernel's source:
#   VMX: kvm_vmx_exit_handlers[] in arch/x86/kvm/vmx/vmx.c, [EXIT_REASON_X]
#   SVM: svm_exit_handlers[]     in arch/x86/kvm/svm/svm.c, [SVM_EXIT_X]
# Index expressions (e.g. SVM_EXIT_EXCP_BASE + PF_VECTOR) are evaluated with
# the #defines of arch/x86/include{,/uapi}/asm/{vmx,svm,kvm}.h.  Any name
# that cannot be resolved, or any line of an initializer that is not a plain
# "[INDEX] = handler," entry, is an error: the script stops instead of
# guessing.  Entries under #if/#ifdef, and runtime writes to the arrays
# elsewhere in arch/x86/kvm, are reported on stderr as notes.
#
# Usage: scripts/kvm-exit-handlers.sh [-o FILE] SERIES=SOURCE...
#   SERIES  kernel series label, e.g. 6.1 or 6.12; names ES_KERNEL_6_1 etc.
#   SOURCE  a kernel source tree (directory), or a Debian linux-source-*.deb
#           (only the needed files are extracted, into a temporary directory)
#   -o FILE write FILE (replaced only on success) instead of stdout
#
# Example (Debian bookworm):
#   apt-get download linux-source-6.1 linux-source-6.12
#   scripts/kvm-exit-handlers.sh -o core/kvm_handlers.c \
#       6.1=linux-source-6.1_*_all.deb 6.12=linux-source-6.12_*_all.deb
# The header comment names the package and version of each SOURCE (for a
# directory: the Linux version from its Makefile; append @VERSION to the
# directory, e.g. 6.1=/src/linux-source-6.1@6.1.192-2, to name the package).

set -eu

prog=${0##*/}
out=
tmp=

die() {
	printf '%s: error: %s\n' "$prog" "$*" >&2
	exit 1
}

note() {
	printf '%s: note: %s\n' "$prog" "$*" >&2
}

cleanup() {
	if [ -n "$tmp" ]; then
		rm -rf -- "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

usage() {
	sed -n 's/^# \{0,1\}//; /^Usage:/,/^$/p' "$0" >&2
	exit 2
}

while getopts o:h opt; do
	case $opt in
	o) out=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kvm-exit-handlers.XXXXXX")

# The files we read, relative to the top of a kernel tree.
VMX_C=arch/x86/kvm/vmx/vmx.c
SVM_C=arch/x86/kvm/svm/svm.c
VMX_H="arch/x86/include/uapi/asm/vmx.h arch/x86/include/asm/vmx.h"
SVM_H="arch/x86/include/uapi/asm/svm.h arch/x86/include/asm/svm.h
arch/x86/include/uapi/asm/kvm.h arch/x86/include/asm/trapnr.h"

# extract_deb DEB DIR: unpack what we need from a linux-source .deb into DIR,
# print the top of the tree.
extract_deb() {
	command -v dpkg-deb >/dev/null 2>&1 ||
		die "dpkg-deb is needed to read $1"
	tarball=$(dpkg-deb -c "$1" |
		  sed -n 's|.* \./\(usr/src/linux-source-[^/]*\.tar\.xz\)$|\1|p')
	[ -n "$tarball" ] || die "$1: no usr/src/linux-source-*.tar.xz inside"
	top=$(basename "$tarball" .tar.xz)
	mkdir -p "$2"
	dpkg-deb --fsys-tarfile "$1" | tar -xO -f - "./$tarball" |
		tar -xJ -f - -C "$2" "$top/Makefile" "$top/arch/x86/kvm" \
			"$top/arch/x86/include" ||
		die "$1: cannot extract $top"
	printf '%s\n' "$2/$top"
}

# describe_tree DIR: "Linux X.Y.Z" from the tree's Makefile.
describe_tree() {
	awk -F' *= *' '
		$1 == "VERSION" { v = $2 }
		$1 == "PATCHLEVEL" { p = $2 }
		$1 == "SUBLEVEL" { s = $2 }
		$1 == "EXTRAVERSION" { e = $2 }
		END { if (v != "") printf "Linux %s.%s.%s%s\n", v, p, s, e }
	' "$1/Makefile" 2>/dev/null
}

# handlers TREE ARRAY CFILE "HEADERS" LABEL: print the sorted handled codes,
# one decimal number per line.  Notes go to stderr; errors exit non-zero.
handlers() {
	tree=$1 array=$2 cfile=$3 headers=$4 label=$5

	[ -f "$tree/$cfile" ] || die "$label: $tree/$cfile not found"
	hfiles=
	for h in $headers; do
		if [ -f "$tree/$h" ]; then
			hfiles="$hfiles $tree/$h"
		fi
	done
	[ -n "$hfiles" ] || die "$label: none of $headers found under $tree"

	# shellcheck disable=SC2086 # word splitting of $hfiles is intended
	awk -v array="$array" -v label="$label" -v cfile="$cfile" \
	    -v prog="$prog" -f - $hfiles "$tree/$cfile" >"$tmp/raw" <<'EOF' ||
function fail(msg) {
	printf "%s: error: %s: %s\n", prog, label, msg > "/dev/stderr"
	failed = 1
	exit 1
}

function strip_comments(s,    out, i) {
	out = ""
	while (s != "") {
		if (in_comment) {
			i = index(s, "*/")
			if (!i)
				return out
			s = substr(s, i + 2)
			in_comment = 0
			continue
		}
		i = index(s, "/*")
		if (!i) {
			out = out s
			break
		}
		out = out substr(s, 1, i - 1) " "
		s = substr(s, i + 2)
		in_comment = 1
	}
	i = index(out, "//")
	if (i)
		out = substr(out, 1, i - 1)
	return out
}

function hexval(s,    v, i, c) {
	v = 0
	s = tolower(s)
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1))
		if (!c)
			fail("bad hex digit in \"" s "\"")
		v = v * 16 + c - 1
	}
	return v
}

# Tokenizer over tok[1..ntok] for the current expression.
function tokenize(s,    t) {
	ntok = 0
	while (s != "") {
		if (match(s, /^[ \t]+/)) {
			s = substr(s, RLENGTH + 1)
		} else if (match(s, /^(<<|>>)/) || match(s, /^[-+*|&()~]/) ||
			   match(s, /^0[xX][0-9a-fA-F]+[uUlL]*/) ||
			   match(s, /^[0-9]+[uUlL]*/) ||
			   match(s, /^[A-Za-z_][A-Za-z_0-9]*/)) {
			tok[++ntok] = substr(s, 1, RLENGTH)
			s = substr(s, RLENGTH + 1)
		} else {
			fail("cannot parse \"" s "\" in " ctx)
		}
	}
	pos = 1
}

# eval(expr): value of a C integer constant expression made of literals,
# object-like macros and + - * | & << >> ( ).  Recursive through macros.
function eval(expr, depth,    saved_tok, saved_n, saved_pos, v, i) {
	if (depth > 32)
		fail("macro recursion too deep in " ctx)
	saved_n = ntok
	saved_pos = pos
	for (i = 1; i <= ntok; i++)
		saved_tok[i] = tok[i]
	tokenize(expr)
	v = parse_or(depth)
	if (pos <= ntok)
		fail("unexpected \"" tok[pos] "\" in \"" expr "\" (" ctx ")")
	ntok = saved_n
	pos = saved_pos
	for (i = 1; i <= ntok; i++)
		tok[i] = saved_tok[i]
	return v
}

function parse_or(d,    v) {
	v = parse_and(d)
	while (pos <= ntok && tok[pos] == "|") {
		pos++
		v = bor(v, parse_and(d))
	}
	return v
}

function parse_and(d,    v) {
	v = parse_shift(d)
	while (pos <= ntok && tok[pos] == "&") {
		pos++
		v = band(v, parse_shift(d))
	}
	return v
}

function parse_shift(d,    v, op, n) {
	v = parse_add(d)
	while (pos <= ntok && (tok[pos] == "<<" || tok[pos] == ">>")) {
		op = tok[pos++]
		n = parse_add(d)
		v = op == "<<" ? v * 2 ^ n : int(v / 2 ^ n)
	}
	return v
}

function parse_add(d,    v, op) {
	v = parse_mul(d)
	while (pos <= ntok && (tok[pos] == "+" || tok[pos] == "-")) {
		op = tok[pos++]
		v = op == "+" ? v + parse_mul(d) : v - parse_mul(d)
	}
	return v
}

function parse_mul(d,    v) {
	v = parse_unary(d)
	while (pos <= ntok && tok[pos] == "*") {
		pos++
		v = v * parse_unary(d)
	}
	return v
}

function parse_unary(d,    t, v, name) {
	if (pos > ntok)
		fail("truncated expression in " ctx)
	t = tok[pos++]
	if (t == "-")
		return -parse_unary(d)
	if (t == "+")
		return parse_unary(d)
	if (t == "(") {
		v = parse_or(d)
		if (pos > ntok || tok[pos] != ")")
			fail("missing ) in " ctx)
		pos++
		return v
	}
	if (t ~ /^0[xX]/) {
		sub(/[uUlL]+$/, "", t)
		return hexval(substr(t, 3))
	}
	if (t ~ /^[0-9]/) {
		sub(/[uUlL]+$/, "", t)
		if (t ~ /^0[0-7]+$/)
			fail("octal literal " t " in " ctx)
		return t + 0
	}
	if (t ~ /^[A-Za-z_]/) {
		name = t
		if (!(name in macro))
			fail("cannot resolve macro " name " (" ctx ")")
		if (name in ambiguous)
			fail("macro " name " has conflicting definitions (" \
			     ambiguous[name] ") (" ctx ")")
		return eval(macro[name], d + 1)
	}
	fail("unexpected \"" t "\" in " ctx)
}

# Bitwise helpers on non-negative integers below 2^53.
function bor(a, b,    r, bit) {
	r = 0
	for (bit = 1; a > 0 || b > 0; bit *= 2) {
		if (a % 2 || b % 2)
			r += bit
		a = int(a / 2)
		b = int(b / 2)
	}
	return r
}

function band(a, b,    r, bit) {
	r = 0
	for (bit = 1; a > 0 && b > 0; bit *= 2) {
		if (a % 2 && b % 2)
			r += bit
		a = int(a / 2)
		b = int(b / 2)
	}
	return r
}

function cond_text(    i, s) {
	s = ""
	for (i = 1; i <= ncond; i++)
		s = s (s == "" ? "" : " && ") cond[i]
	return s
}

FNR == 1 {
	in_comment = 0
	is_c = FILENAME ~ ("/" cfile "$")
	short = FILENAME
	sub(/^.*\/arch\//, "arch/", short)
}

# Object-like #defines, from the headers and from the C file itself.
/^[ \t]*#[ \t]*define[ \t]+[A-Za-z_][A-Za-z_0-9]*([ \t]|$)/ {
	line = strip_comments($0)
	sub(/^[ \t]*#[ \t]*define[ \t]+/, "", line)
	name = line
	sub(/[ \t].*$/, "", name)
	val = substr(line, length(name) + 1)
	gsub(/^[ \t]+|[ \t]+$/, "", val)
	if (val ~ /\\$/)
		val = "(multi-line)"
	if (!(name in macro)) {
		macro[name] = val
		where[name] = short ":" FNR
	} else if (macro[name] != val) {
		ambiguous[name] = where[name] " vs " short ":" FNR
	}
}

!is_c { next }

# The initializer: from "ARRAY[])" to the closing "};".
!inside && index($0, array "[])") && $0 ~ /=[ \t]*\{[ \t]*$/ {
	inside = 1
	start = FNR
	next
}

!inside { next }

{
	line = strip_comments($0)
	ctx = short ":" FNR
	if (line ~ /^[ \t]*$/)
		next
	if (line ~ /^[ \t]*};[ \t]*$/) {
		inside = 0
		done = 1
		next
	}
	if (line ~ /^[ \t]*#/) {
		pp = line
		sub(/^[ \t]*#[ \t]*/, "", pp)
		gsub(/[ \t]+$/, "", pp)
		if (pp ~ /^if/) {
			cond[++ncond] = "#" pp
		} else if (pp ~ /^el/) {
			if (!ncond)
				fail("#" pp " without #if at " ctx)
			cond[ncond] = "!(" cond[ncond] ") #" pp
		} else if (pp ~ /^endif/) {
			if (!ncond)
				fail("#endif without #if at " ctx)
			ncond--
		} else {
			fail("unexpected preprocessor line \"" $0 "\" at " ctx)
		}
		next
	}
	if (!match(line, /^[ \t]*\[[^]]+\][ \t]*=[ \t]*[A-Za-z_][A-Za-z_0-9]*[ \t]*,?[ \t]*$/))
		fail("not a \"[INDEX] = handler,\" entry at " ctx ": " $0)
	idx = line
	sub(/^[ \t]*\[/, "", idx)
	sub(/\].*$/, "", idx)
	fn = line
	sub(/^[^]]*\][ \t]*=[ \t]*/, "", fn)
	sub(/[ \t]*,?[ \t]*$/, "", fn)
	v = eval(idx, 0)
	if (v < 0 || v != int(v) || v > 65535)
		fail("index " idx " = " v " out of range at " ctx)
	if (fn == "NULL" || fn == "0") {
		printf "%s: note: %s: %s[%s] = %s at %s: not counted\n", \
			prog, label, array, idx, fn, ctx > "/dev/stderr"
		next
	}
	if (v in seen)
		printf "%s: note: %s: %s[%s] given twice (%s, %s)\n", prog, \
			label, array, idx, seen[v], ctx > "/dev/stderr"
	seen[v] = ctx
	if (ncond)
		printf "%s: note: %s: %s[%s] = %s only if %s (%s)\n", prog, \
			label, array, idx, fn, cond_text(), ctx > "/dev/stderr"
	printf "%d\n", v
	n++
}

END {
	if (failed)
		exit 1
	if (!start) {
		printf "%s: error: %s: no \"%s[]) ... = {\" in %s\n", prog, \
			label, array, cfile > "/dev/stderr"
		exit 1
	}
	if (inside || !done) {
		printf "%s: error: %s: %s[] initializer not closed\n", prog, \
			label, array > "/dev/stderr"
		exit 1
	}
	if (!n) {
		printf "%s: error: %s: %s[] has no entries\n", prog, label, \
			array > "/dev/stderr"
		exit 1
	}
}
EOF
		die "$label: cannot derive the handler list from $cfile"
	sort -n -u "$tmp/raw"
}

# runtime_writes TREE NAMES LABEL: note assignments to elements of the array
# (or of the parameters it is passed as, NAMES being an ERE alternation)
# outside its initializer, e.g. nested_vmx_hardware_setup().
runtime_writes() {
	grep -rnE '(^|[^A-Za-z_0-9])('"$2"')\[[^]]+\][[:space:]]*=[^=]' \
		--include='*.c' "$1/arch/x86/kvm" 2>/dev/null |
	while IFS= read -r hit; do
		note "$3: runtime write: ${hit#"$1"/}"
	done
}

series_list=
desc_list=
n=0
for arg; do
	case $arg in
	*=*) ;;
	*) die "argument \"$arg\" is not SERIES=SOURCE" ;;
	esac
	series=${arg%%=*}
	src=${arg#*=}
	case $series in
	'' | *[!0-9.]* | .* | *. | *..*)
		die "bad series label \"$series\" (want e.g. 6.1)" ;;
	esac
	case " $series_list " in
	*" $series "*) die "series $series given twice" ;;
	esac
	n=$((n + 1))
	version=
	if [ -f "$src" ]; then
		pkg=$(dpkg-deb -f "$src" Package 2>/dev/null) ||
			die "$src: not a Debian package"
		version="$pkg $(dpkg-deb -f "$src" Version)"
		tree=$(extract_deb "$src" "$tmp/src$n")
	else
		case $src in
		*@*)
			version=${src##*@}
			src=${src%@*}
			;;
		esac
		[ -d "$src" ] || die "$src: no such directory or package"
		tree=$src
		linux=$(describe_tree "$tree")
		[ -n "$linux" ] || die "$tree: no kernel Makefile"
		if [ -n "$version" ]; then
			version="linux-source-$series $version"
		else
			version="$linux source"
		fi
	fi
	printf '%s\n' "$tree" >"$tmp/tree.$series"
	series_list="$series_list $series"
	if [ -n "$desc_list" ]; then
		desc_list="$desc_list, $version"
	else
		desc_list=$version
	fi

	handlers "$tree" kvm_vmx_exit_handlers "$VMX_C" "$VMX_H" \
		"$series vmx" >"$tmp/vmx.$series"
	handlers "$tree" svm_exit_handlers "$SVM_C" "$SVM_H" \
		"$series svm" >"$tmp/svm.$series"
	runtime_writes "$tree" 'kvm_vmx_exit_handlers|exit_handlers' \
		"$series vmx"
	runtime_writes "$tree" svm_exit_handlers "$series svm"
	note "$series: $(wc -l <"$tmp/vmx.$series") VMX and" \
	     "$(wc -l <"$tmp/svm.$series") SVM codes with a handler ($version)"
done

# c_array NAME FILE: "static const uint32_t NAME[] = { ... };", wrapped.
c_array() {
	printf 'static const uint32_t %s[] = {\n' "$1"
	awk '
		{ s = sprintf("0x%x,", $1) }
		len && len + 1 + length(s) > 72 { printf "\n"; len = 0 }
		{ printf "%s%s", len ? " " : "\t", s; len += (len ? 1 : 8) + length(s) }
		END { if (len) printf "\n" }
	' "$2"
	printf '};\n'
}

generate() {
	printf '// SPDX-License-Identifier: GPL-2.0\n'
	printf '/*\n'
	printf 'Generated by scripts/kvm-exit-handlers.sh from %s; do not edit.\n' \
		"$desc_list" | fold -s -w 73 | sed 's/[[:space:]]*$//; s/^/ * /'
	printf ' */\n'
	printf '#include "reasons.h"\n'
	for isa in vmx svm; do
		for s in $series_list; do
			printf '\n'
			c_array "${isa}_$(echo "$s" | tr . _)" "$tmp/$isa.$s"
		done
	done
	for isa in vmx svm; do
		printf '\nconst struct es_code_list es_kvm_%s_handlers[ES_KERNEL_NR] = {\n' \
			"$isa"
		for s in $series_list; do
			id=$(echo "$s" | tr . _)
			printf '\t[ES_KERNEL_%s] = { %s_%s, ES_ARRAY_SIZE(%s_%s) },\n' \
				"$id" "$isa" "$id" "$isa" "$id"
		done
		printf '};\n'
	done
}

if [ -n "$out" ]; then
	generate >"$tmp/out.c"
	mv -f -- "$tmp/out.c" "$out"
else
	generate
fi
