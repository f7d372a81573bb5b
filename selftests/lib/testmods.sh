# shellcheck shell=bash
# selftests/lib/testmods.sh: for host-side tests of the guest runner
# (selftests/vm/*.sh). Builds chosen modules of selftests/modules/ in a
# scratch M= directory, apart from `make module`, so the runner's tests do
# not depend on the state of regionmm.ko or of the other test modules.
#
#   build_testmods KERNEL OUTDIR LOG NAME...
#     builds selftests/modules/NAME.c for KERNEL; the .ko files land in
#     OUTDIR (pass it to vm-run as --add OUTDIR:/mod); build output in LOG.
build_testmods() {
	local k=$1 out=$2 log=$3 kdir src n
	shift 3
	src=$(mktemp -d)
	mkdir -p "$out"
	: >"$log"
	for n; do
		cp "selftests/modules/$n.c" "$src/" || return 1
		echo "obj-m += $n.o" >>"$src/Kbuild"
	done
	kdir=$(scripts/kernel kdir "$k" 2>>"$log") &&
		make -C "$kdir" M="$src" modules >>"$log" 2>&1 &&
		cp "$src"/*.ko "$out/"
	local rc=$?
	rm -rf "$src"
	return $rc
}
