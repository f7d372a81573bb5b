#!/bin/bash
# selftests/host/test_deps.sh: scripts/deps (make deps) decides what to
# install from dpkg-query and apt-get's answers, run on the host by
# selftests/run with stub dpkg-query, apt-get and pgrep first in PATH: no
# package is installed and nothing on the machine changes. The case that
# broke a fresh machine (2026-11-28): dpkg-query exits 1 because some
# packages are unknown to dpkg; that must mean "missing", not kill the script.
# Prints TAP.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=selftests/lib/ktap.sh
. selftests/lib/ktap.sh

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir "$TMP/bin"

# dpkg-query -W -f=FMT PKG...: "ii PKG" for every package not named in
# $STUB_MISSING; those are unknown to dpkg (message on stderr, exit 1).
cat >"$TMP/bin/dpkg-query" <<'EOF'
#!/bin/bash
shift 2
rc=0
for p in "$@"; do
	if [[ " $STUB_MISSING " == *" $p "* ]]; then
		echo "dpkg-query: no packages found matching $p" >&2
		rc=1
	else
		printf 'ii %s \n' "$p"
	fi
done
exit $rc
EOF
# apt-get: records its arguments; $STUB_APT_FAIL names a subcommand that fails
cat >"$TMP/bin/apt-get" <<'EOF'
#!/bin/bash
echo "$*" >>"$STUB_LOG"
[[ " $* " == *" ${STUB_APT_FAIL:-none} "* ]] && exit 100
exit 0
EOF
# pgrep: no other apt-get or dpkg is running
printf '#!/bin/sh\nexit 1\n' >"$TMP/bin/pgrep"
chmod +x "$TMP/bin/"*

# deps_run MISSING [APT_FAIL]: run scripts/deps with the stubs; sets rc, out
deps_run() {
	: >"$TMP/apt.log"
	out=$(PATH="$TMP/bin:$PATH" STUB_MISSING=$1 STUB_APT_FAIL=${2:-} \
		STUB_LOG="$TMP/apt.log" scripts/deps 2>&1)
	rc=$?
}

# not root, scripts/deps runs `sudo apt-get`, and sudo's secure_path would
# reach the real apt-get instead of the stub
[[ $(id -u) -eq 0 ]] || ktap_skip_all "runs as root only (scripts/deps would sudo the real apt-get)"

ktap_plan 4

# 1: everything installed: a no-op, apt-get never called
deps_run ""
if ((rc == 0)) && [[ ! -s $TMP/apt.log ]]; then
	ktap_ok "all installed: exit 0, apt-get not run"
else
	ktap_fail "all installed: exit 0, apt-get not run" "rc $rc, apt-get: $(tr '\n' ';' <"$TMP/apt.log")"
fi

# 2: a fresh machine: packages dpkg has never seen are installed, no others
deps_run "linux-source-6.12 qemu-system-x86"
inst=$(grep '^install' "$TMP/apt.log")
if ((rc == 0)) && [[ $inst == *" qemu-system-x86 linux-source-6.12" ]] &&
	[[ $inst != *busybox* ]]; then
	ktap_ok "packages unknown to dpkg are installed, only those"
else
	ktap_fail "packages unknown to dpkg are installed, only those" "rc $rc, install: '$inst'"
	ktap_diag "$(tr '\n' ' ' <<<"$out")"
fi

# 3: apt-get update failing (an unreachable third-party source) is not fatal
deps_run "sparse" update
if ((rc == 0)) && grep -q '^install.* sparse$' "$TMP/apt.log"; then
	ktap_ok "apt-get update errors: still installs"
else
	ktap_fail "apt-get update errors: still installs" "rc $rc, apt-get: $(tr '\n' ';' <"$TMP/apt.log")"
fi

# 4: apt-get install failing: an error naming the packages, non-zero exit
deps_run "sparse" install
if ((rc != 0)) && [[ $out == *"apt-get install failed for: sparse"* ]]; then
	ktap_ok "apt-get install failure: clear error, non-zero exit"
else
	ktap_fail "apt-get install failure: clear error, non-zero exit" "rc $rc: $out"
fi

ktap_finished
