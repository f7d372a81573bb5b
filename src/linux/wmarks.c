// SPDX-License-Identifier: GPL-2.0
/*
 * RMM_IOC_CALC_WMARKS: the what-if watermark calculator.  Converts the
 * user's zone list (any node/zone set, e.g. the kernel's own zones read
 * from /proc/zoneinfo) into rmm_wmark_in, runs rmm_calc_wmarks() -- the
 * same function regionmm's zones use -- and copies min/low/high/promo and
 * protection back.  Lets a test check regionmm's arithmetic against the
 * kernel's printed numbers to the page.
 *
 * Every field is checked (-EINVAL): flags/pad, counts, node and zone
 * indices, duplicates, kver, the sysctl limits of the tunables.
 * No locking: pure function on a private copy.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mmzone.h>
#include <linux/regionmm.h>
#include "rmm_port.h"
#include "mmzone.h"
#include "page_alloc.h"
#include "rmm_glue.h"

int rmm_glue_calc_wmarks(struct rmm_ioc_wmarks *w)
{
	struct rmm_wmark_in *in;
	struct rmm_wmark_out *out;
	bool seen[RMM_MAX_NUMNODES][RMM_MAX_NR_ZONES] = { };
	unsigned int i, j;
	int ret = -EINVAL;

	if (w->flags || w->pad || !w->nr_zones ||
	    w->nr_zones > RMM_IOC_WM_MAX_ZONES || !w->nr_zones_per_node ||
	    w->nr_zones_per_node > RMM_MAX_NR_ZONES ||
	    w->min_free_kbytes < -1 ||
	    w->watermark_scale_factor < 1 || w->watermark_scale_factor > 3000 ||
	    w->watermark_boost_factor > INT_MAX)
		return -EINVAL;
	if (w->kver && w->kver != RMM_KVER(6, 1) && w->kver != RMM_KVER(6, 12))
		return -EINVAL;
	for (i = 0; i < RMM_IOC_WM_MAX_NR_ZONES; i++)
		if (w->lowmem_reserve_ratio[i] > INT_MAX)
			return -EINVAL;

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
	in->min_free_kbytes = w->min_free_kbytes;
	in->watermark_scale_factor = w->watermark_scale_factor;
	for (i = 0; i < w->nr_zones_per_node; i++)
		in->lowmem_reserve_ratio[i] = w->lowmem_reserve_ratio[i];
	for (i = 0; i < w->nr_zones; i++) {
		struct rmm_ioc_wm_zone *z = &w->zone[i];

		if (z->pad || z->nid >= RMM_MAX_NUMNODES ||
		    z->zone_idx >= w->nr_zones_per_node ||
		    z->kind > RMM_IOC_ZONE_DEVICE ||
		    seen[z->nid][z->zone_idx] || z->managed > (1ULL << 40))
			goto out;
		seen[z->nid][z->zone_idx] = true;
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
