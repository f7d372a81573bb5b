# shellcheck shell=sh
# selftests/guest/tools/rmm_wm.sh: watermark cross-checks (sourced).
#
#   rmm_wm_input ZONEINFO SYSCTLDIR   print the `rmmctl calc` input for the
#        zones of a zoneinfo file and the tunables of a sysctl directory
#        (/proc/sys/vm or /proc/sys/regionmm)
#   rmm_wm_printed ZONEINFO           "zone NID IDX min low high promo (prot)"
#        as printed, boost subtracted (promo 0 where the kernel has none)
#   rmm_wm_compare ZONEINFO SYSCTLDIR DIFFFILE
#        0 when rmmctl calc reproduces every printed number

rmm_wm_input() {
	_zi=$1 _sd=$2
	_nz=$(awk '/^Node 0, zone/ { n++ } END { print n }' "$_zi")
	echo "tunables $(cat "$_sd/min_free_kbytes") $(cat "$_sd/watermark_scale_factor") $(cat "$_sd/watermark_boost_factor") $_nz $(cat "$_sd/lowmem_reserve_ratio")"
	awk '/^Node/ { nid = $2; sub(",", "", nid); zone = $4
		       if (nid != last) { idx = 0; last = nid } else idx++ }
	     $1 == "managed" { print "zone", nid, idx, zone, $2 }' "$_zi"
}

rmm_wm_printed() {
	awk '/^Node/ { nid = $2; sub(",", "", nid)
		       if (nid != last) { idx = 0; last = nid } else idx++
		       promo = 0 }
	     $1 == "boost" { b = $2 }
	     $1 == "min" { mn = $2 - b }
	     $1 == "low" { lo = $2 - b }
	     $1 == "high" { hi = $2 - b }
	     $1 == "promo" { promo = $2 - b }
	     $1 == "protection:" { p = $0; sub(/.*protection: /, "", p)
		print "zone", nid, idx, mn, lo, hi, promo, p }' "$1"
}

rmm_wm_compare() {
	rmm_wm_input "$1" "$2" > /tmp/wm.in
	rmmctl calc < /tmp/wm.in > /tmp/wm.calc || return 1
	rmm_wm_printed "$1" > /tmp/wm.printed
	# the kernel has no promo watermark before 6.12: ignore the column there
	if grep -q ' promo ' "$1"; then
		grep '^zone' /tmp/wm.calc > /tmp/wm.c
	else
		grep '^zone' /tmp/wm.calc | awk '{ $7 = 0; print }' > /tmp/wm.c
	fi
	awk '{ $1 = $1; print }' /tmp/wm.printed > /tmp/wm.p
	diff /tmp/wm.p /tmp/wm.c > "$3"
}
