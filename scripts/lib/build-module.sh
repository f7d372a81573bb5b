#!/bin/bash
# scripts/lib/build-module.sh: out-of-tree build of regionmm.ko and the test
# modules (selftests/modules) against one kernel; called by `make module` and
# `make testmods`. Kbuild of Linux 6.1/6.12 has no MO=, so BUILD_DIR gets a
# mirror of the sources made of symlinks (objects land in BUILD_DIR, never in
# the source tree) and is built with M=BUILD_DIR.
#
# usage: build-module.sh NAME KDIR BUILD_DIR all|tests
# W=1, C=1, V=1 given to the calling make reach Kbuild through MAKEFLAGS.
set -euo pipefail
export RMM_PROG="make module"
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/common.sh"

[[ $# -eq 4 ]] || die "usage: $0 NAME KDIR BUILD_DIR all|tests"
name=$1 kdir=$2 build=$3 what=$4
if [[ -z $kdir ]]; then
	kdir=$("$RMM_ROOT/scripts/kernel" kdir "$name")
fi
[[ -d $kdir ]] || die "KDIR '$kdir' is not a directory"
[[ -f $kdir/Makefile ]] || die "KDIR '$kdir' has no Makefile (not a kernel build tree)"

cd "$RMM_ROOT"
mkdir -p "$build/selftests"
# One build of a tree at a time: two makes (say a test run and a bench run
# from another shell) writing into the same BUILD_DIR produce broken .ko
# files.  The lock goes with this process.
exec 9>"$build/.lock"
if ! flock -n 9; then
	msg "waiting for another build in $build"
	flock 9
fi
# Sources the top-level Kbuild may use.
for s in Kbuild src include; do
	[[ -e $s ]] && cp -as --remove-destination "$RMM_ROOT/$s" "$build/"
done
cp -as --remove-destination "$RMM_ROOT/selftests/modules" "$build/selftests/"
# rmm_kcompare.ko (scripts/compare-zones, test_module_pcp_high.sh): where
# compare-zones builds it, so both find the same module in /mod/
if [[ -d $RMM_ROOT/selftests/kmod_compare ]]; then
	mkdir -p "$build/kmod_compare"
	cp -as --remove-destination "$RMM_ROOT"/selftests/kmod_compare/* "$build/kmod_compare/"
fi
# Files deleted from the sources leave dangling symlinks: drop them.
find "$build" -xtype l -delete
printf '%s\n' "$kdir" >"$build/.kdir"

if [[ $what == all ]]; then
	if [[ -f Kbuild ]]; then
		msg "building regionmm.ko for $name (KDIR=$kdir)"
		make -C "$kdir" M="$build" RMM_ROOT="$RMM_ROOT" modules
	else
		msg "no top-level Kbuild yet: building only selftests/modules"
	fi
fi
extra=
[[ -f $build/Module.symvers ]] && extra=$build/Module.symvers
# Kbuild's modpost does not depend on KBUILD_EXTRA_SYMBOLS: when regionmm's
# exports change (their CRCs), the test modules would keep the old CRCs
# and fail to load ("disagrees about version of symbol").  Their
# Module.symvers older than regionmm's makes modpost run again.
tsyms=$build/selftests/modules/Module.symvers
if [[ -n $extra && -f $tsyms && $extra -nt $tsyms ]]; then
	rm -f "$tsyms"
fi
msg "building selftests/modules for $name"
make -C "$kdir" M="$build/selftests/modules" RMM_ROOT="$RMM_ROOT" \
	KBUILD_EXTRA_SYMBOLS="$extra" modules
if [[ -d $build/kmod_compare ]]; then
	msg "building selftests/kmod_compare for $name"
	make -C "$kdir" M="$build/kmod_compare" RMM_ROOT="$RMM_ROOT" modules
fi
