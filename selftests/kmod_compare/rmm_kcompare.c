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
 * Invariant: the module holds no page after init returns (everything is
 * freed before it ends), so it can stay loaded or be removed at once.
 * Locking: none, runs in the insmod process only.
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

static int __init kcompare_init(void)
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

static void __exit kcompare_exit(void)
{
}

module_init(kcompare_init);
module_exit(kcompare_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("regionmm compare-zones: the same workload on the kernel's zones");
