#!/bin/bash
# selftests/host/test_layering.sh: the layers of the source tree hold.
#
#  1. src/core/ includes no <linux/...> header: kernel services come only
#     through src/core/rmm_port.h and the port it selects.
#  2. Every rmm_/RMM_ primitive a port defines that src/core/ uses is
#     defined by both ports (src/port/kernel/port.h, src/port/user/port.h).
#     Core code under "#ifdef __KERNEL__" counts as used by the kernel port
#     only, under "#ifndef __KERNEL__" by the user port only; comments do
#     not count.
#  3. include/regionmm/ (the API other modules include) includes nothing
#     from src/.
#
# A check listed in KNOWN_FAILURES is reported as "not ok ... # TODO" (TAP:
# a known failure, not a failed run) until it passes. Prints TAP.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=selftests/lib/ktap.sh
. selftests/lib/ktap.sh

KPORT=src/port/kernel/port.h
UPORT=src/port/user/port.h
# check number -> why it is known to fail (remove when fixed)
declare -A KNOWN_FAILURES=(
)

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# result N NAME OK [DIAG...]: one TAP point for check N
result() {
	local n=$1 name=$2 good=$3
	shift 3
	if ((good)); then
		ktap_ok "$name"
		return
	fi
	if [[ -n ${KNOWN_FAILURES[$n]:-} ]]; then
		ktap_header
		KTAP_TESTNO=$((KTAP_TESTNO + 1))
		echo "not ok $KTAP_TESTNO $name # TODO known failure: ${KNOWN_FAILURES[$n]}"
	else
		ktap_fail "$name"
	fi
	for d in "$@"; do
		ktap_diag "$d"
	done
}

# strip_core MODE FILE...: the files without comments, string literals,
# and with the branches a MODE (kernel|user) build does not compile removed
strip_core() {
	local mode=$1
	shift
	perl -0777 -ne '
		s{/\*.*?\*/}{ }gs; s{//[^\n]*}{}g; s{"(?:\\.|[^"\\\n])*"}{""}g;
		print;' "$@" | perl -ne '
		BEGIN { $k = shift @ARGV eq "kernel"; @st = (1); }
		if (/^\s*#\s*if(n?)def\s+__KERNEL__\b/) {
			$on = $1 ? !$k : $k;
			push @st, $st[-1] && $on; push @c, 1; next;
		}
		if (/^\s*#\s*if/) { push @st, $st[-1]; push @c, 0; next; }
		if (/^\s*#\s*else\b/ && @c && $c[-1]) {
			my $was = pop @st; push @st, $st[-1] && !$was; next;
		}
		if (/^\s*#\s*endif\b/) { pop @st; pop @c; next; }
		print if $st[-1];' "$mode"
}

# defined_in FILE: rmm_/RMM_ identifiers a port header defines (macros,
# functions and prototypes at top level, typedefs, extern variables)
defined_in() {
	strip_core none "$1" | perl -ne '
		print "$1\n" if /^\s*#\s*define\s+(\w+)/;
		print "$1\n" if /^[A-Za-z_][^(;=]*?\b(\w+)\s*\(/ && !/^\s*#/;
		print "$1\n" if /^typedef\b.*?\b(\w+)\s*;/ || /^}\s*(\w+)\s*;/;
		print "$1\n" if /^extern\b.*?\b(\w+)\s*(\[[^]]*\])?\s*;/;' |
		grep -E '^[Rr][Mm][Mm]_' | sort -u
}

# used_in MODE: identifiers (words) of src/core as MODE compiles it
used_in() {
	strip_core "$1" src/core/*.c src/core/*.h | grep -oE '\b[A-Za-z_][A-Za-z0-9_]*\b' |
		sort -u
}

# 1: no <linux/...> in src/core
hits=$(grep -nE '^\s*#\s*include\s*[<"]linux/' src/core/*.[ch])
result 1 "src/core includes no <linux/...> header" "$([[ -z $hits ]] && echo 1 || echo 0)" \
	"${hits:-}"

# 2: primitives used by the core are in both ports
defined_in "$KPORT" >"$TMP/kdef"
defined_in "$UPORT" >"$TMP/udef"
used_in kernel >"$TMP/kuse"
used_in user >"$TMP/uuse"
nk=$(wc -l <"$TMP/kdef")
nu=$(wc -l <"$TMP/udef")
if ((nk < 20 || nu < 20)); then
	result 2 "ports define the core's primitives" 0 \
		"only $nk (kernel) / $nu (user) rmm_ identifiers found: extraction broken"
else
	# defined by the user port only, used by the core in kernel builds
	missing_k=$(comm -23 "$TMP/udef" "$TMP/kdef" | comm -12 - "$TMP/kuse")
	missing_u=$(comm -23 "$TMP/kdef" "$TMP/udef" | comm -12 - "$TMP/uuse")
	ktap_diag "$nk rmm_ identifiers in the kernel port, $nu in the user port," \
		"$(comm -12 "$TMP/kdef" "$TMP/udef" | comm -12 - "$TMP/kuse" | wc -l) shared ones used by the core"
	result 2 "every primitive the core uses from the user port is in the kernel port" \
		"$([[ -z $missing_k ]] && echo 1 || echo 0)" \
		${missing_k:+"missing from $KPORT: $(echo $missing_k)"}
	result 2 "every primitive the core uses from the kernel port is in the user port" \
		"$([[ -z $missing_u ]] && echo 1 || echo 0)" \
		${missing_u:+"missing from $UPORT: $(echo $missing_u)"}
fi

# 3: include/regionmm/ includes nothing from src/
hits=$(grep -nE '^\s*#\s*include\s*[<"]([^>"]*/)?(\.\./)+|^\s*#\s*include\s*[<"][^>"]*\bsrc/' \
	include/regionmm/*.h)
result 3 "include/regionmm/ includes nothing from src/" "$([[ -z $hits ]] && echo 1 || echo 0)" \
	"${hits:-}"

ktap_finished
