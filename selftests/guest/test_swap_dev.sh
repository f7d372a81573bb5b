#!/bin/sh
# test_swap_dev.sh: regionmm's swap devices against the kernel's swap, on
# the same virtio disk in one guest (vm-run --disk):
#  - the disk is there and the kernel's mkswap/swapon/swapoff work on it;
#    its /proc/swaps line is kept to compare with regionmm's;
#  - refused, each with its errno and exactly one "regionmm: swapon PATH:
#    reason" line, nothing left on: a device not prepared with mkswap, a
#    header with no page besides itself (too small), a header bigger than
#    the device, a device that is the kernel's swap, a path that does not
#    exist, a file on tmpfs (no blocks to map), a priority out of range;
#  - accepted: a good device; /proc/regionmm/swaps is the kernel's
#    /proc/swaps line for the same device, byte for byte (same default
#    priority -2, size, 0 used); while regionmm holds it the kernel's
#    swapon and a second regionmm swapon are refused (EBUSY);
#  - swapoff releases it (the kernel's swapon works again); swapoff of a
#    device that is not on is EINVAL; -p PRIO shows in the Priority column;
#  - swapfile= at load puts the device on; rmmod with a device on swaps it
#    off and releases it; swapfile= naming a missing path refuses the load
#    (ENOENT, which busybox's insmod words as "unknown symbol ...") with
#    its reason logged and leaves nothing behind.
# Swapping itself (pages out and back) is the reclaim tests' job.
#
#  - a swap file on ext4 (when the kernel has ext4: not the debug kernel):
#    accepted, its line the kernel's line for the same file; while on, the
#    kernel's swapon, a write and a truncate of it are refused; swapoff
#    releases it; a file with holes is refused.
#
# vm-run: --mem 512M --disk 64M --kmod crc32c_generic --kmod ext4
# kernels: debian-6.1 debian-6.12 debug

. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/tools/rmm_mod.sh"

DEV=${RMM_DISK:-/dev/vda}
[ -b "$DEV" ] || ktap_skip_all "no disk $DEV (vm-run --disk)"
command -v rmm-swap >/dev/null || ktap_skip_all "rmm-swap not built (make -C selftests/guest/tools)"

ktap_plan 27

# header-only view of regionmm's swaps: the lines after the title
rmm_swaps() { tail -n +2 /proc/regionmm/swaps; }

# swap_refused NAME ERRTEXT PATTERN CMD...: CMD fails saying ERRTEXT, the
# kernel log gets exactly one regionmm swapon line, matching PATTERN, and
# regionmm has no device on afterwards
swap_refused() {
	_name=$1 _err=$2 _pat=$3
	shift 3
	_n=$(rmm_dmesg_lines)
	if _out=$("$@" 2>&1); then
		ktap_fail "$_name" "'$*' succeeded"
		rmm-swap off "$DEV" 2>/dev/null
		return
	fi
	_log=$(rmm_dmesg_since "$_n" | grep 'regionmm: swapon')
	if ! echo "$_out" | grep -q "$_err"; then
		ktap_fail "$_name" "said: $_out (wanted $_err)"
	elif [ "$(echo "$_log" | grep -c .)" != 1 ]; then
		ktap_fail "$_name" "not one line of explanation: $_log"
	elif ! echo "$_log" | grep -q "$_pat"; then
		ktap_fail "$_name" "no '$_pat' in: $_log"
	elif [ -n "$(rmm_swaps)" ]; then
		ktap_fail "$_name" "a device is on: $(rmm_swaps)"
	else
		ktap_ok "$_name: $(echo "$_log" | sed 's/^\[[^]]*\] //')"
	fi
}

# set_last_page HEXBYTES: overwrite info.last_page (offset 1028) of the
# header mkswap wrote, e.g. '\000\000\000\000'
set_last_page() {
	mkswap "$DEV" >/dev/null &&
		printf "$1" | dd of="$DEV" bs=1 seek=1028 conv=notrunc 2>/dev/null
}

# ---- the kernel on the disk
size=$(cat /sys/block/vda/size 2>/dev/null)
[ "$size" = $((64 * 2048)) ] &&
	ktap_ok "$DEV is a 64 MiB virtio disk ($size sectors)" ||
	ktap_fail "$DEV is a 64 MiB virtio disk" "size: '$size' sectors"

KLINE=
if mkswap "$DEV" >/dev/null && swapon "$DEV"; then
	KLINE=$(grep "^$DEV " /proc/swaps)
	ktap_diag "kernel: $KLINE"
fi
if [ -n "$KLINE" ] && swapoff "$DEV"; then
	ktap_ok "the kernel's mkswap, swapon and swapoff work on $DEV"
else
	ktap_fail "the kernel's mkswap, swapon and swapoff work on $DEV" "$(cat /proc/swaps)"
fi

if ! rmm_load; then
	ktap_fail "insmod" "$RMM_OUT"
	ktap_finished
fi
ktap_ok "insmod (no swap device: /proc/regionmm/swaps has only its title)"
[ -z "$(rmm_swaps)" ] || ktap_diag "but it lists: $(rmm_swaps)"

# ---- bad input
dd if=/dev/zero of="$DEV" bs=64k count=1 conv=notrunc 2>/dev/null
swap_refused "a device not prepared with mkswap" "Invalid argument" \
	"not prepared with mkswap" rmm-swap on "$DEV"
set_last_page '\000\000\000\000'
swap_refused "a header with no page besides itself" "Invalid argument" \
	"too small" rmm-swap on "$DEV"
set_last_page '\377\377\000\000'
swap_refused "a header bigger than the device" "Invalid argument" \
	"shorter than its swap header says" rmm-swap on "$DEV"
mkswap "$DEV" >/dev/null
swapon "$DEV"
swap_refused "the kernel's swap device" "Device or resource busy" \
	"busy" rmm-swap on "$DEV"
swapoff "$DEV"
swap_refused "a path that does not exist" "No such file or directory" \
	"no such file" rmm-swap on /dev/nonexistent
dd if=/dev/zero of=/tmp/swapfile bs=1M count=4 2>/dev/null
mkswap /tmp/swapfile >/dev/null
swap_refused "a swap file on tmpfs (no disk blocks)" "Invalid argument" \
	"no block device" rmm-swap on /tmp/swapfile
_n=$(rmm_dmesg_lines)
if rmm-swap on "$DEV" -p 40000 2>/dev/null; then
	ktap_fail "priority 40000 is refused"
	rmm-swap off "$DEV"
else
	ktap_ok "priority 40000 is refused: $(rmm_dmesg_since "$_n" | grep -o 'RMM_IOC_SWAPON.*')"
fi

# ---- a good device
if rmm-swap on "$DEV"; then
	ktap_ok "swapon of a device prepared with mkswap"
else
	ktap_fail "swapon of a device prepared with mkswap"
fi
RLINE=$(rmm_swaps)
ktap_diag "regionmm: $RLINE"
[ -n "$KLINE" ] && [ "$RLINE" = "$KLINE" ] &&
	ktap_ok "/proc/regionmm/swaps is the kernel's /proc/swaps line" ||
	ktap_fail "/proc/regionmm/swaps is the kernel's /proc/swaps line" "kernel: '$KLINE'"
if swapon "$DEV" 2>/dev/null; then
	ktap_fail "the kernel's swapon refuses regionmm's device"
	swapoff "$DEV"
else
	ktap_ok "the kernel's swapon refuses regionmm's device"
fi
if rmm-swap on "$DEV" 2>/dev/null; then
	ktap_fail "a second regionmm swapon of it is refused"
else
	ktap_ok "a second regionmm swapon of it is refused"
fi
[ "$(rmm_swaps | grep -c .)" = 1 ] &&
	ktap_ok "still one device on" || ktap_fail "still one device on" "$(rmm_swaps)"
ktap_check "swapoff" rmm-swap off "$DEV"
ktap_check "the kernel's swapon works after regionmm's swapoff" \
	sh -c "swapon $DEV && grep -q '^$DEV ' /proc/swaps && swapoff $DEV"
if rmm-swap off "$DEV" 2>/dev/null; then
	ktap_fail "swapoff of a device that is not on is refused"
else
	ktap_ok "swapoff of a device that is not on is refused"
fi
rmm-swap on "$DEV" -p 5 &&
	[ "$(rmm_swaps | awk '{print $NF}')" = 5 ] &&
	ktap_ok "-p 5 gives priority 5" ||
	ktap_fail "-p 5 gives priority 5" "$(rmm_swaps)"

# ---- load and unload
rmm_unload
if ! rmm_loaded && swapon "$DEV" && swapoff "$DEV"; then
	ktap_ok "rmmod with a device on swaps it off and releases it"
else
	ktap_fail "rmmod with a device on swaps it off and releases it" "$RMM_OUT"
fi
if rmm_load "swapfile=$DEV" && [ "$(rmm_swaps)" = "$KLINE" ]; then
	ktap_ok "swapfile=$DEV at load"
else
	ktap_fail "swapfile=$DEV at load" "$RMM_OUT $(rmm_swaps)"
fi
rmm_unload
_n=$(rmm_dmesg_lines)
if rmm_load swapfile=/dev/nonexistent; then
	ktap_fail "swapfile= naming a missing path refuses the load"
	rmm_unload
elif ! rmm_dmesg_since "$_n" | grep -q "regionmm: swapon /dev/nonexistent: no such file"; then
	ktap_fail "swapfile= naming a missing path refuses the load" "no reason logged"
elif ! rmm_untouched; then
	ktap_fail "swapfile= naming a missing path refuses the load" "state left behind"
else
	ktap_ok "swapfile= naming a missing path refuses the load, nothing left behind"
fi

# ---- a swap file on a disk file system
if ! grep -qw ext4 /proc/filesystems; then
	for t in "a swap file on ext4" "its line is the kernel's" \
		"while on: the kernel's swapon, write and truncate refused" \
		"swapoff releases the file" "a file with holes"; do
		ktap_skip "$t" "no ext4 in this kernel"
	done
	ktap_finished
fi
F=/mnt/swap
mkdir -p /mnt
if ! mke2fs -q -b 4096 "$DEV" >/dev/null 2>&1 || ! mount -t ext4 "$DEV" /mnt; then
	ktap_fail "a swap file on ext4" "cannot make or mount ext4 on $DEV"
	ktap_finished
fi
dd if=/dev/zero of=$F bs=1M count=8 2>/dev/null
mkswap $F >/dev/null
FKLINE=
swapon $F && FKLINE=$(grep "^$F " /proc/swaps) && swapoff $F
ktap_diag "kernel: $FKLINE"
rmm_load
if [ -n "$FKLINE" ] && rmm-swap on $F; then
	ktap_ok "a swap file on ext4: $(dmesg | grep "Adding.* on $F" | tail -1 | sed 's/^\[[^]]*\] //')"
else
	ktap_fail "a swap file on ext4" "kernel line '$FKLINE'"
fi
[ "$(rmm_swaps)" = "$FKLINE" ] && ktap_ok "its line is the kernel's" ||
	ktap_fail "its line is the kernel's" "regionmm: '$(rmm_swaps)'"
w=
swapon $F 2>/dev/null && { w="$w kernel-swapon"; swapoff $F; }
(echo x >> $F) 2>/dev/null && w="$w write"
truncate -s 1M $F 2>/dev/null && w="$w truncate"
[ -z "$w" ] && ktap_ok "while on: the kernel's swapon, write and truncate refused" ||
	ktap_fail "while on: the kernel's swapon, write and truncate refused" "allowed:$w"
ktap_check "swapoff releases the file (the kernel's swapon works)" \
	sh -c "rmm-swap off $F && swapon $F && swapoff $F"
truncate -s 8M /mnt/sparse
mkswap /mnt/sparse >/dev/null
swap_refused "a file with holes" "Invalid argument" "holes" rmm-swap on /mnt/sparse
rmm_unload
umount /mnt

ktap_finished
