#!/bin/sh
# test_module_region.sh: the region= backend over a memmap=$ reservation on
# every kernel, and every bad module parameter: each is refused with the
# right errno and one dmesg line naming the parameter and the reason, and
# leaves nothing behind (no module, no /proc/iomem claim, no files).
# region= takes only RAM the user reserved: a range the firmware itself
# reserved (QEMU's BIOS ROM, its reserved hole below 1 TiB) or a memmap=$
# over an address hole (no RAM behind it: memmap=64M$0x200000000, above
# the guest's memory and PCI windows) looks the same in /proc/iomem and is
# refused from the firmware's own map.
#
# vm-run: --mem 1536M --cpus 2 --append memmap=256M$0x40000000
# vm-run: --append memmap=64M$0x200000000
# kernels: debian-6.1 debian-6.12 debug

. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/tools/rmm_mod.sh"

ktap_plan 34

ktap_check "memmap=256M\$0x40000000 shows as Reserved in /proc/iomem" \
	grep -qi '^40000000-4fffffff : reserved' /proc/iomem

# --- bad input, before anything is claimed ---
rmm_refused "region unaligned start" "Invalid argument" "region: .*page-aligned" region=1M@0x40000800
rmm_refused "region unaligned size" "Invalid argument" "region: .*page-aligned" region=1000@0x40000000
rmm_refused "region empty size" "Invalid argument" "region: .*empty" region=0@0x40000000
rmm_refused "region empty list" "Invalid argument" "region: .*empty" region=
rmm_refused "region empty range in list" "Invalid argument" "region: .*empty" region=16M@0x40000000,,16M@0x41000000
rmm_refused "region not SIZE@START" "Invalid argument" "region: .*SIZE@START" region=abc
rmm_refused "region beyond physical memory" "Invalid argument" "region: .*beyond" region=64M@0x100000000000
rmm_refused "region overlaps System RAM" "Invalid argument" "region: .*System RAM" region=64M@0x1000000
rmm_refused "region partly System RAM" "Invalid argument" "region: .*System RAM" region=64M@0x3e000000
rmm_refused "region not reserved (hole/MMIO)" "Invalid argument" "region: .*reserved" region=64M@0xd0000000
rmm_refused "region ranges overlap each other" "Invalid argument" "region: .*overlaps another" region=64M@0x40000000,64M@0x43000000
ktap_check "memmap=64M\$0x200000000 (no RAM there) shows as Reserved too" \
	grep -qi '^200000000-203ffffff : reserved' /proc/iomem
rmm_refused "region in QEMU's firmware-reserved hole below 1 TiB" "Invalid argument" "region: .*not RAM in the firmware" region=64M@0xfd00000000
rmm_refused "region over the BIOS ROM (firmware Reserved)" "Invalid argument" "region: .*not RAM in the firmware" region=256K@0xfffc0000
rmm_refused "region over the legacy BIOS area (firmware Reserved)" "Invalid argument" "region: .*not RAM in the firmware" region=64K@0xf0000
rmm_refused "region over memmap=\$ on an address hole" "Invalid argument" "region: .*not RAM in the firmware" region=64M@0x200000000
rmm_refused "region already claimed (page 0, kept busy by the kernel)" "busy" "region: .*already claimed" region=4K@0
rmm_refused "borrow size 0" "Invalid argument" "borrow: .*empty" borrow=0
rmm_refused "borrow unaligned" "Invalid argument" "borrow: .*page-aligned" borrow=12345
rmm_refused "borrow more than free memory" "Invalid argument" "borrow: .*free memory" borrow=64G
rmm_refused "movablecore over 100%" "Invalid argument" "movablecore: .*100" region=256M@0x40000000 movablecore=150%
rmm_refused "movablecore larger than the region" "Invalid argument" "movablecore: .*larger" region=256M@0x40000000 movablecore=1G
rmm_refused "thp_min_free_kbytes not a bool" "Invalid argument" "thp_min_free_kbytes" region=256M@0x40000000 thp_min_free_kbytes=maybe
if [ "$RMM_KERNEL" = debug ]; then
	rmm_refused "cma not a multiple of 8M" "Invalid argument" "cma: .*multiple" cma=4M
else
	rmm_refused "cma without CONFIG_DMA_CMA" "Invalid argument" "cma: .*CONFIG_DMA_CMA" cma=64M
fi

# --- the good case ---
free0=$(rmm_memfree_kb)
if rmm_load region=256M@0x40000000; then
	ktap_ok "insmod region=256M@0x40000000"
else
	ktap_fail "insmod region=256M@0x40000000" "$RMM_OUT"
	dmesg | tail -20
	ktap_finished
fi
ktap_check "/proc/iomem shows the claim as regionmm" \
	sh -c 'grep -q "40000000-4fffffff : regionmm" /proc/iomem'
managed=$(awk '/managed/ { s += $2 } END { print s + 0 }' /proc/regionmm/zoneinfo)
present=$(awk '/present/ { s += $2 } END { print s + 0 }' /proc/regionmm/zoneinfo)
ktap_diag "present $present managed $managed pages"
[ "$present" = 65536 ] && [ "$managed" -gt 60000 ] && [ "$managed" -lt 65536 ] &&
	ktap_ok "zoneinfo: present = 65536 pages, managed = present - descriptors" ||
	ktap_fail "zoneinfo: present = 65536 pages, managed = present - descriptors"
ktap_check "the region sits in DMA32 (below 4 GiB) like the kernel's zones" \
	sh -c 'awk "/^Node 0, zone +DMA32/ { z = 1 } z && /present/ { exit !(\$2 == 65536) }" /proc/regionmm/zoneinfo'
ktap_check "data integrity: pattern in 64 order-3 blocks survives" rmmctl pattern 64 3
free1=$(rmm_memfree_kb)
# (module text, metadata arrays and, on the debug kernel, KASAN shadow and
# kmemleak objects cost some MiB; the 256 MiB region itself must not show)
ktap_diag "kernel MemFree $free0 -> $free1 kB with the region loaded"
[ $((free0 - free1)) -lt 49152 ] && [ $((free1 - free0)) -lt 49152 ] &&
	ktap_ok "region= takes nothing from the kernel's MemFree" ||
	ktap_fail "region= takes nothing from the kernel's MemFree" "$free0 -> $free1"
rmm_unload

# thp_min_free_kbytes=0: calculate_min_free_kbytes()'s plain rule,
# int_sqrt(managed kB * 16) clamped to 128..262144, worked here
if rmm_load region=256M@0x40000000 thp_min_free_kbytes=0; then
	want=$(awk '$1 == "managed" { s += $2 }
		END { x = s * 4 * 16; lo = 0; hi = x
		      while (lo < hi) { m = int((lo + hi + 1) / 2)
				       if (m * m <= x) lo = m; else hi = m - 1 }
		      if (lo < 128) lo = 128; print lo }' /proc/regionmm/zoneinfo)
	got=$(cat /proc/sys/regionmm/min_free_kbytes)
	[ "$got" = "$want" ] &&
		ktap_ok "thp_min_free_kbytes=0: the plain rule ($got kB)" ||
		ktap_fail "thp_min_free_kbytes=0: the plain rule" "want $want kB, got $got kB"
	rmm_unload
else
	ktap_fail "thp_min_free_kbytes=0: the plain rule" "$RMM_OUT"
fi
if rmm_untouched && grep -qi '^40000000-4fffffff : reserved' /proc/iomem; then
	ktap_ok "unload releases the claim (Reserved again, no regionmm in /proc/iomem)"
else
	ktap_fail "unload releases the claim" "$(grep -i -A1 '^40000000' /proc/iomem)"
fi
ktap_check "two ranges: region=64M@0x40000000,64M@0x48000000" sh -c '
	insmod /mod/regionmm.ko region=64M@0x40000000,64M@0x48000000 &&
	test "$(grep -c ": regionmm" /proc/iomem)" = 2 &&
	rmmctl pattern 16 4 >/dev/null && rmmod regionmm'
ktap_finished
