# shellcheck shell=bash
# Shared helpers for regionmm's bash scripts (scripts/kernel, scripts/vm-run,
# scripts/deps, selftests/run): messages, the cache directory, locking.
# Source it; it defines functions and RMM_ROOT (the repository root).

RMM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export RMM_ROOT

# The name of the calling script, used as the prefix of progress lines.
RMM_PROG=${RMM_PROG:-$(basename "$0")}

# Progress and errors go to stderr so stdout stays machine-readable.
msg() { printf '%s: %s\n' "$RMM_PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$RMM_PROG" "$*" >&2; exit 1; }

# rmm_cache_dir: print (and create) the cache directory that holds kernels
# and probe results. ${RMM_CACHE} wins; else /var/cache/regionmm when it is
# writable (root), else ${XDG_CACHE_HOME:-$HOME/.cache}/regionmm.
rmm_cache_dir() {
	local d
	if [[ -n ${RMM_CACHE:-} ]]; then
		d=$RMM_CACHE
	elif mkdir -p /var/cache/regionmm 2>/dev/null && [[ -w /var/cache/regionmm ]]; then
		d=/var/cache/regionmm
	else
		d=${XDG_CACHE_HOME:-$HOME/.cache}/regionmm
	fi
	mkdir -p "$d" || die "cannot create cache directory $d"
	printf '%s\n' "$d"
}

# rmm_lock NAME: take an exclusive lock (fd 9) for the rest of the process,
# so that two concurrent runs do not fetch or build the same kernel at once.
rmm_lock() {
	local f
	f="$(rmm_cache_dir)/.lock-$1"
	exec 9>"$f"
	if ! flock -n 9; then
		msg "waiting for lock $f (another run is preparing '$1')"
		flock 9
	fi
}
rmm_unlock() { exec 9>&-; }

# rmm_now: seconds since the epoch, for stage timings.
rmm_now() { date +%s; }

# The kernels of the test matrix, in the order the runner uses them.
# shellcheck disable=SC2034
RMM_ALL_KERNELS=(debian-6.1 debian-6.12 debug)

# rmm_tcg_int3_race LOG: true when the console log LOG shows the one known
# failure that is QEMU's, not the guest's. Multi-threaded TCG can run a
# stale translation of kernel text that text_poke_bp() has just patched (a
# static key flipped at boot, or by CPU hotplug), so a CPU traps on an int3
# that is no longer there: "Oops: int3" with its RIP in the kernel proper
# (no "[module]" after it). An int3 oops in a module's code does not match.
rmm_tcg_int3_race() {
	awk '
		/\[ *[0-9]+\.[0-9]+\] Oops: int3: / { oops = 1; next }
		oops && /RIP: [0-9a-f]+:/ { if ($0 !~ /\[[A-Za-z0-9_]+\]/) race = 1; exit }
		END { exit !race }' "$1"
}
