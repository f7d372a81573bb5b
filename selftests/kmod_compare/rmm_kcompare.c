// SPDX-License-Identifier: GPL-2.0
/*
 * rmm_kcompare - the kernel's side of scripts/compare-zones: runs, at load
 * time, the same fragmentation workload that `rmmctl frag` runs on regionmm
 * through /dev/regionmm, but with alloc_pages() on the running kernel's
 * zones, and logs the result.  The script prints /proc/buddyinfo before and
 * after next to /proc/regionmm/buddyinfo for the same workload.
 *
 * Workload (LLFree "frag", scaled): allocate `pages` order-0 movable pages,
 * free half of them at random, `rounds` rounds of freeing or re-allocating
 * 10 % at random, then try order-9 allocations without reclaim or
 * compaction (GFP_NOWAIT) until one fails or `pages` / 512 succeeded.
 * Output: "KCOMPARE filled=N live=N order9_success=N order9_attempts=N".
 *
 * pcp_pages=N (not 0) runs the per-CPU list workload instead
 * (selftests/guest/test_module_pcp_high.sh): on CPU pcp_cpu (work_on_cpu(),
 * softirqs and preemption off, so neither the CPU's vmstat/decay work nor
 * another task nor a softirq touches its lists meanwhile), allocate N
 * order-0 movable pages one by one, then free them all in the same order,
 * and then pcp_extra pages allocated before on another CPU (pages that
 * enter the CPU's lists without having left them: they shift where the
 * last free falls in the flush cycle).
 * pcp_side=kernel uses alloc_page()/__free_page() and logs the kernel's
 * own per_cpu_pages of that CPU and zone before and after ("KPCP before
 * ...", "KPCP after ..."): count, high, batch, the 6.12 fields (high_min,
 * high_max, free_count, alloc_factor, flags, ZONE_BELOW_HIGH) or 6.1's
 * free_factor, and the length of the list the workload uses.
 * pcp_side=regionmm runs the same loop through regionmm's exported
 * rmm_alloc_page()/rmm_free_page(), looked up with symbol_get() so the
 * module does not depend on regionmm.ko (scripts/compare-zones loads it
 * without regionmm); built with regionmm's public header only.
 *
 * Invariant: the module holds no page after init returns (everything is
 * freed before it ends), so it can stay loaded or be removed at once.
 * Locking: none of its own; runs in the insmod process, the pcp workload
 * in a kworker bound to pcp_cpu; the kernel's pcp fields are read racily
 * (data_race()) on their own CPU with softirqs off, as zoneinfo does.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/version.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/vmalloc.h>
#include <linux/sched.h>
#include <linux/workqueue.h>
#include <linux/cpumask.h>
#include <linux/bottom_half.h>
#include <linux/percpu.h>
#ifdef RMM_KC_HAVE_RMM		/* Kbuild: regionmm's public header found */
#include <regionmm/regionmm.h>
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define RMM_KC_MAX_ORDER	MAX_PAGE_ORDER
#else
#define RMM_KC_MAX_ORDER	(MAX_ORDER - 1)
#endif

static unsigned long pages = 16384;
module_param(pages, ulong, 0444);
MODULE_PARM_DESC(pages, "order-0 pages to fill with (use regionmm's free pages x pct / 100)");
static unsigned int rounds = 20;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "rounds of 10 % random churn, as rmmctl frag ROUNDS");

static unsigned long pcp_pages;
module_param(pcp_pages, ulong, 0444);
MODULE_PARM_DESC(pcp_pages, "not 0: run the pcp workload with this many order-0 pages instead of frag");
static int pcp_cpu = 1;
module_param(pcp_cpu, int, 0444);
MODULE_PARM_DESC(pcp_cpu, "CPU the pcp workload runs on (default 1)");
static unsigned long pcp_extra;
module_param(pcp_extra, ulong, 0444);
MODULE_PARM_DESC(pcp_extra, "pages allocated on another CPU first and freed on pcp_cpu after the others");
static char *pcp_side = "kernel";
module_param(pcp_side, charp, 0444);
MODULE_PARM_DESC(pcp_side, "kernel (alloc_page) or regionmm (rmm_alloc_page)");

static u64 rnd_state = 88172645463325252ULL;	/* same sequence as rmmctl */

static u64 rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* like frag_show_print(), prefixed, for every populated zone */
static void dump_buddy(const char *phase)
{
	int nid, z, o;

	for_each_online_node(nid) {
		for (z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];
			char buf[256];
			int len;

			if (!populated_zone(zone))
				continue;
			len = scnprintf(buf, sizeof(buf), "Node %d, zone %8s ",
					nid, zone->name);
			for (o = 0; o <= RMM_KC_MAX_ORDER; o++)
				len += scnprintf(buf + len, sizeof(buf) - len,
						 "%6lu ",
						 /* racy snapshot, like buddyinfo */
						 data_race(zone->free_area[o].nr_free));
			pr_info("KBUDDY %s %s\n", phase, buf);
		}
	}
}

/* ---- pcp workload ---- */

struct pcp_run {
	unsigned long n, extra;	/* h[0..n): on pcp_cpu; h[n..n+extra): elsewhere */
	void **h;
	struct zone *zone;	/* kernel side: the zone alloc_page() uses */
#ifdef RMM_KC_HAVE_RMM
	struct rmm_page *(*rmm_alloc)(rmm_gfp_t gfp);
	void (*rmm_free)(struct rmm_page *page);
#endif
	unsigned long got, xgot, other_zone;
};

#define PCP_GFP		(GFP_NOWAIT | __GFP_MOVABLE | __GFP_NOWARN)

/* the kernel's per_cpu_pages of this CPU for @zone, as one log line */
static void pcp_dump(const char *phase, struct zone *zone)
{
	struct per_cpu_pages *pcp = this_cpu_ptr(zone->per_cpu_pageset);
	struct list_head *l = &pcp->lists[MIGRATE_MOVABLE];	/* order 0 */
	struct list_head *pos;
	unsigned long len = 0;

	/* racy like zoneinfo; our CPU, softirqs off: only a hardirq moves them */
	list_for_each(pos, l)
		len++;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)	/* 6.12 layout */
	pr_info("KPCP %s cpu=%d zone=%s count=%d high=%d batch=%d high_min=%d high_max=%d free_count=%d alloc_factor=%u flags=%u below_high=%d list=%lu\n",
		phase, smp_processor_id(), zone->name, READ_ONCE(pcp->count),
		READ_ONCE(pcp->high), READ_ONCE(pcp->batch),
		READ_ONCE(pcp->high_min), READ_ONCE(pcp->high_max),
		READ_ONCE(pcp->free_count), READ_ONCE(pcp->alloc_factor),
		READ_ONCE(pcp->flags),
		test_bit(ZONE_BELOW_HIGH, &zone->flags) ? 1 : 0, len);
#else
	pr_info("KPCP %s cpu=%d zone=%s count=%d high=%d batch=%d free_factor=%d list=%lu\n",
		phase, smp_processor_id(), zone->name, READ_ONCE(pcp->count),
		READ_ONCE(pcp->high), READ_ONCE(pcp->batch),
		READ_ONCE(pcp->free_factor), len);
#endif
}

/* one page of the side's allocator into r->h[i] */
static bool pcp_alloc1(struct pcp_run *r, unsigned long i)
{
#ifdef RMM_KC_HAVE_RMM
	if (r->rmm_alloc) {
		r->h[i] = r->rmm_alloc(RMM_GFP_NOWAIT | RMM___GFP_MOVABLE |
				       RMM___GFP_NOWARN);
		return r->h[i];
	}
#endif
	r->h[i] = alloc_page(PCP_GFP);
	if (r->h[i] && page_zone(r->h[i]) != r->zone)
		r->other_zone++;
	return r->h[i];
}

static void pcp_free1(struct pcp_run *r, unsigned long i)
{
#ifdef RMM_KC_HAVE_RMM
	if (r->rmm_alloc) {
		r->rmm_free(r->h[i]);
		return;
	}
#endif
	__free_page(r->h[i]);
}

/* on another CPU: the pages pcp_cpu frees without having allocated them */
static long pcp_extra_work(void *arg)
{
	struct pcp_run *r = arg;

	for (r->xgot = 0; r->xgot < r->extra; r->xgot++)
		if (!pcp_alloc1(r, r->n + r->xgot))
			break;
	return 0;
}

static long pcp_work(void *arg)
{
	struct pcp_run *r = arg;
	unsigned long i;

	local_bh_disable();
	if (r->zone)
		pcp_dump("before", r->zone);
	for (i = 0; i < r->n; i++)
		if (!pcp_alloc1(r, i))
			break;
	r->got = i;
	for (i = 0; i < r->got; i++)
		pcp_free1(r, i);
	for (i = 0; i < r->xgot; i++)
		pcp_free1(r, r->n + i);
	if (r->zone)
		pcp_dump("after", r->zone);
	local_bh_enable();
	return 0;
}

static int pcp_workload(void)
{
	struct pcp_run r = { .n = pcp_pages, .extra = pcp_extra };
	int other = cpumask_any_but(cpu_online_mask, pcp_cpu);
	bool rmm = !strcmp(pcp_side, "regionmm");
	int ret = 0;

	if (!rmm && strcmp(pcp_side, "kernel")) {
		pr_err("pcp_side: kernel or regionmm, not %s\n", pcp_side);
		return -EINVAL;
	}
	if (pcp_pages > (1UL << 22) || pcp_extra > (1UL << 22) ||
	    pcp_cpu < 0 || pcp_cpu >= nr_cpu_ids || !cpu_online(pcp_cpu) ||
	    (pcp_extra && other >= nr_cpu_ids)) {
		pr_err("pcp_pages %lu, pcp_extra %lu or pcp_cpu %d out of range\n",
		       pcp_pages, pcp_extra, pcp_cpu);
		return -EINVAL;
	}
	if (rmm) {
#ifdef RMM_KC_HAVE_RMM
		r.rmm_alloc = symbol_get(rmm_alloc_page);
		r.rmm_free = symbol_get(rmm_free_page);
		if (!r.rmm_alloc || !r.rmm_free)
			ret = -ENOENT;
#else
		ret = -EOPNOTSUPP;
#endif
		if (ret) {
			pr_err("pcp_side=regionmm: regionmm.ko not loaded or not built with its header (%d)\n",
			       ret);
			goto put;
		}
	} else {
		int nid = cpu_to_node(pcp_cpu), zi;

		/* the zonelist's first zone: the highest populated one allowed */
		for (zi = gfp_zone(PCP_GFP); zi >= 0 && !r.zone; zi--)
			if (populated_zone(&NODE_DATA(nid)->node_zones[zi]))
				r.zone = &NODE_DATA(nid)->node_zones[zi];
		if (!r.zone) {
			ret = -ENODEV;
			goto put;
		}
	}
	r.h = vzalloc(array_size(pcp_pages + pcp_extra, sizeof(*r.h)));
	if (!r.h) {
		ret = -ENOMEM;
		goto put;
	}
	if (pcp_extra)
		work_on_cpu(other, pcp_extra_work, &r);
	work_on_cpu(pcp_cpu, pcp_work, &r);
	pr_info("KPCP done side=%s cpu=%d pages=%lu got=%lu extra=%lu xgot=%lu other_zone=%lu\n",
		pcp_side, pcp_cpu, pcp_pages, r.got, pcp_extra, r.xgot,
		r.other_zone);
	vfree(r.h);
put:
#ifdef RMM_KC_HAVE_RMM
	if (r.rmm_alloc)
		symbol_put(rmm_alloc_page);
	if (r.rmm_free)
		symbol_put(rmm_free_page);
#endif
	return ret;
}

static int frag_workload(void)
{
	const gfp_t gfp = GFP_HIGHUSER_MOVABLE | __GFP_NOWARN | __GFP_NORETRY;
	struct page **h, **big;
	unsigned long n, i, live, r, ok9 = 0, try9 = 0, max9;

	if (!pages || pages > (1UL << 24)) {
		pr_err("pages: %lu out of range (1..16M)\n", pages);
		return -EINVAL;
	}
	h = vzalloc(array_size(pages, sizeof(*h)));
	max9 = pages / 512 + 1;
	big = vzalloc(array_size(max9, sizeof(*big)));
	if (!h || !big) {
		vfree(h);
		vfree(big);
		return -ENOMEM;
	}
	dump_buddy("before");
	for (n = 0; n < pages; n++) {
		h[n] = alloc_page(gfp);
		if (!h[n])
			break;
	}
	live = n;
	for (i = 0; n && i < n; i++) {
		u64 j = rnd() % n;

		if (h[j]) {
			__free_page(h[j]);
			h[j] = NULL;
			if (--live <= n / 2)
				break;
		}
	}
	for (r = 0; n && r < rounds; r++) {
		for (i = 0; i < n / 10; i++) {
			u64 j = rnd() % n;

			if (h[j]) {
				__free_page(h[j]);
				h[j] = NULL;
			} else {
				h[j] = alloc_page(gfp);
			}
		}
		cond_resched();
	}
	dump_buddy("after_churn");
	while (try9 < max9) {
		try9++;
		big[ok9] = alloc_pages(GFP_NOWAIT | __GFP_MOVABLE | __GFP_NOWARN, 9);
		if (!big[ok9])
			break;
		ok9++;
	}
	pr_info("KCOMPARE filled=%lu live=%lu order9_success=%lu order9_attempts=%lu\n",
		n, live, ok9, try9);
	dump_buddy("after_order9");
	for (i = 0; i < ok9; i++)
		__free_pages(big[i], 9);
	for (i = 0; i < n; i++)
		if (h[i])
			__free_page(h[i]);
	vfree(big);
	vfree(h);
	return 0;
}

static int __init kcompare_init(void)
{
	return pcp_pages ? pcp_workload() : frag_workload();
}

static void __exit kcompare_exit(void)
{
}

module_init(kcompare_init);
module_exit(kcompare_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("regionmm compare-zones: the same workload on the kernel's zones");
