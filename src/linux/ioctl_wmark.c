// SPDX-License-Identifier: GPL-2.0
/*
 * RMM_IOC_CALC_WMARKS: the what-if watermark calculator.  Converts the
 * user's zone list (any node/zone set, e.g. the kernel's own zones read
 * from /proc/zoneinfo) into rmm_wmark_in, runs rmm_calc_wmarks() -- the
 * same function regionmm's zones use -- and copies min/low/high/promo and
 * protection back.  Lets a test check regionmm's arithmetic against the
 * kernel's printed numbers to the page.
 *
 * Every field is checked (-EINVAL, with one rate-limited line naming the
 * field and the reason): flags/pad, counts, node and zone indices,
 * duplicates, kver, the sysctl limits of the tunables.
 * No locking: pure function on a private copy.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/mmzone.h>
#include <linux/regionmm.h>
#include "rmm_port.h"
#include "mmzone.h"
#include "page_alloc.h"
#include "rmm_glue.h"

#define wm_err(fmt, ...) \
	pr_err_ratelimited("RMM_IOC_CALC_WMARKS: " fmt "\n", ##__VA_ARGS__)

static int rmm_wmark_check(const struct rmm_ioc_wmarks *w)
{
	unsigned int i;

	if (w->flags || w->pad) {
		wm_err("flags %#x pad %#x: must be 0", w->flags, w->pad);
		return -EINVAL;
	}
	if (!w->nr_zones || w->nr_zones > RMM_IOC_WM_MAX_ZONES) {
		wm_err("nr_zones %u: not 1..%d", w->nr_zones,
		       RMM_IOC_WM_MAX_ZONES);
		return -EINVAL;
	}
	if (!w->nr_zones_per_node || w->nr_zones_per_node > RMM_MAX_NR_ZONES) {
		wm_err("nr_zones_per_node %u: not 1..%d", w->nr_zones_per_node,
		       RMM_MAX_NR_ZONES);
		return -EINVAL;
	}
	if (w->min_free_kbytes < -1) {
		wm_err("min_free_kbytes %d: below -1", w->min_free_kbytes);
		return -EINVAL;
	}
	if (w->watermark_scale_factor < 1 || w->watermark_scale_factor > 3000) {
		wm_err("watermark_scale_factor %u: not 1..3000 (the sysctl's range)",
		       w->watermark_scale_factor);
		return -EINVAL;
	}
	if (w->watermark_boost_factor > INT_MAX) {
		wm_err("watermark_boost_factor %u: above INT_MAX",
		       w->watermark_boost_factor);
		return -EINVAL;
	}
	if (w->kver && w->kver != RMM_KVER(6, 1) &&
	    w->kver != RMM_KVER(6, 12)) {
		wm_err("kver %#x: not 0, 6.1 (%#x) or 6.12 (%#x)", w->kver,
		       RMM_KVER(6, 1), RMM_KVER(6, 12));
		return -EINVAL;
	}
	for (i = 0; i < RMM_IOC_WM_MAX_NR_ZONES; i++) {
		if (w->lowmem_reserve_ratio[i] > INT_MAX) {
			wm_err("lowmem_reserve_ratio[%u] %u: above INT_MAX", i,
			       w->lowmem_reserve_ratio[i]);
			return -EINVAL;
		}
	}
	return 0;
}

static int rmm_wmark_check_zone(const struct rmm_ioc_wmarks *w,
				const struct rmm_ioc_wm_zone *z,
				unsigned int i,
				bool seen[RMM_MAX_NUMNODES][RMM_MAX_NR_ZONES])
{
	if (z->pad) {
		wm_err("zone[%u].pad %#x: must be 0", i, z->pad);
		return -EINVAL;
	}
	if (z->nid >= RMM_MAX_NUMNODES) {
		wm_err("zone[%u].nid %u: not below %d", i, z->nid,
		       RMM_MAX_NUMNODES);
		return -EINVAL;
	}
	if (z->zone_idx >= w->nr_zones_per_node) {
		wm_err("zone[%u].zone_idx %u: not below nr_zones_per_node %u",
		       i, z->zone_idx, w->nr_zones_per_node);
		return -EINVAL;
	}
	if (z->kind > RMM_IOC_ZONE_DEVICE) {
		wm_err("zone[%u].kind %u: not 0..%d", i, z->kind,
		       RMM_IOC_ZONE_DEVICE);
		return -EINVAL;
	}
	if (seen[z->nid][z->zone_idx]) {
		wm_err("zone[%u]: node %u zone %u given twice", i, z->nid,
		       z->zone_idx);
		return -EINVAL;
	}
	if (z->managed > (1ULL << 40)) {
		wm_err("zone[%u].managed %llu: above 2^40 pages", i, z->managed);
		return -EINVAL;
	}
	seen[z->nid][z->zone_idx] = true;
	return 0;
}

static int rmm_glue_calc_wmarks(struct rmm_ioc_wmarks *w)
{
	struct rmm_wmark_in *in;
	struct rmm_wmark_out *out;
	bool seen[RMM_MAX_NUMNODES][RMM_MAX_NR_ZONES] = { };
	unsigned int i, j;
	int ret;

	ret = rmm_wmark_check(w);
	if (ret)
		return ret;
	in = kzalloc(sizeof(*in), GFP_KERNEL);
	out = kzalloc(sizeof(*out), GFP_KERNEL);
	if (!in || !out) {
		ret = -ENOMEM;
		goto out;
	}
	in->kver = w->kver ? w->kver :
		RMM_KVER(LINUX_VERSION_CODE >> 16, (LINUX_VERSION_CODE >> 8) & 0xff);
	in->nr_zones = w->nr_zones_per_node;
	in->zone_movable = ZONE_MOVABLE < w->nr_zones_per_node ? ZONE_MOVABLE : -1;
	in->zone_normal = ZONE_NORMAL;
	/* the what-if applies the loaded instance's min_free_kbytes rule */
	in->thp_min_free_kbytes = rmm_mm_global &&
		rmm_mm_global->layout.thp_min_free_kbytes;
	in->min_free_kbytes = w->min_free_kbytes;
	in->watermark_scale_factor = w->watermark_scale_factor;
	for (i = 0; i < w->nr_zones_per_node; i++)
		in->lowmem_reserve_ratio[i] = w->lowmem_reserve_ratio[i];
	for (i = 0; i < w->nr_zones; i++) {
		struct rmm_ioc_wm_zone *z = &w->zone[i];

		ret = rmm_wmark_check_zone(w, z, i, seen);
		if (ret)
			goto out;
		if (z->kind == RMM_IOC_ZONE_MOVABLE)
			in->zone_movable = z->zone_idx;
		in->managed[z->nid][z->zone_idx] = z->managed;
		in->nr_nodes = max_t(int, in->nr_nodes, z->nid + 1);
	}
	rmm_calc_wmarks(in, out);
	w->min_free_kbytes_out = out->min_free_kbytes;
	for (i = 0; i < w->nr_zones; i++) {
		struct rmm_ioc_wm_zone *z = &w->zone[i];
		unsigned long *wm = out->wmark[z->nid][z->zone_idx];

		z->min = wm[RMM_WMARK_MIN];
		z->low = wm[RMM_WMARK_LOW];
		z->high = wm[RMM_WMARK_HIGH];
		z->promo = wm[RMM_WMARK_PROMO];
		for (j = 0; j < RMM_IOC_WM_MAX_NR_ZONES; j++)
			z->protection[j] = j < w->nr_zones_per_node ?
				out->lowmem_reserve[z->nid][z->zone_idx][j] : 0;
	}
	ret = 0;
out:
	kfree(in);
	kfree(out);
	return ret;
}

long rmm_wmark_ioctl(void __user *argp)
{
	struct rmm_ioc_wmarks *w;
	long ret;

	w = kmalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	if (copy_from_user(w, argp, sizeof(*w))) {
		ret = -EFAULT;
		goto out;
	}
	ret = rmm_glue_calc_wmarks(w);
	if (!ret && copy_to_user(argp, w, sizeof(*w)))
		ret = -EFAULT;
out:
	kfree(w);
	return ret;
}
