// SPDX-License-Identifier: GPL-2.0
/*
 * test_vmscan.c - vmscan.c against the kernel's arithmetic and rules
 * (mm/vmscan.c and mm/shrinker.c of 6.12 with MGLRU off, mm/page_alloc.c's
 * slow path), with a fake owner of LRU pages (rmm_lru_set_owner_ops():
 * referenced() and pageout() answer what the test says) and the test's
 * host services (a fake clock, counted kswapd wakeups, a fake OOM killer).
 * Swap is a real device of swapfile.c that nothing is written to: the fake
 * owner never does I/O, it only needs rmm_can_swap() to say yes.
 *
 * Hand-worked values are in the comments next to each check.
 */
#include "rmm_test.h"
#include "lru.h"
#include "vmscan.h"
#include "swapfile.h"
#include "slab.h"

#define NODE_PAGES	16384
#define MAXP		NODE_PAGES

static struct rmm_mm mm;
static struct rmm_zone *z;

/* ---- the fake owner ---- */
struct fake_obj {
	long pins;
};
static struct fake_obj obj;
static struct rmm_page *lru_page[MAXP];	/* by ext->index; NULL: gone */
static unsigned long nr_lru_pages;
static int ref_of[MAXP];		/* next referenced() answer */
static enum rmm_pageout pageout_answer = RMM_PAGEOUT_FREED;
static unsigned long pageouts, pageouts_may_swap;
/* pageouts while the task held a block plug (shrink_lruvec()'s) */
static unsigned long pageouts_plugged;

static bool fake_pin(struct rmm_mm *m, struct rmm_page *page)
{
	((struct fake_obj *)rmm_page_ext(m, page)->owner)->pins++;
	return true;
}

static void fake_unpin(struct rmm_mm *m, void *owner)
{
	((struct fake_obj *)owner)->pins--;
}

static int fake_referenced(struct rmm_mm *m, struct rmm_page *page)
{
	u64 i = rmm_page_ext(m, page)->index;
	int r = ref_of[i];

	ref_of[i] = 0;		/* test-and-clear, as RMM_EXT_YOUNG */
	return r;
}

static enum rmm_pageout fake_pageout(struct rmm_mm *m, struct rmm_page *page,
				     bool may_swap)
{
	pageouts++;
	if (rmm_port_io_plugged())
		pageouts_plugged++;
	if (may_swap)
		pageouts_may_swap++;
	if (pageout_answer == RMM_PAGEOUT_FREED) {
		lru_page[rmm_page_ext(m, page)->index] = NULL;
		nr_lru_pages--;
	}
	return pageout_answer;
}

static const struct rmm_lru_owner_ops fake_owner = {
	.pin		= fake_pin,
	.unpin		= fake_unpin,
	.referenced	= fake_referenced,
	.pageout	= fake_pageout,
};

/* ---- the host: clock, kswapd wakeups, OOM killer ---- */
static u64 clock_ns;
static unsigned long wakeups, oom_calls;
static bool oom_answer;
static struct rmm_page *held[NODE_PAGES];
static unsigned long nheld;

static u64 fake_now(struct rmm_mm *m)
{
	return clock_ns;
}

static void fake_wake_kswapd(struct rmm_mm *m, int nid)
{
	wakeups++;
}

/* a kill: the victim's memory (64 held pages) comes back */
static bool fake_oom(struct rmm_mm *m, unsigned int order, rmm_gfp_t gfp)
{
	int i;

	oom_calls++;
	if (!oom_answer)
		return false;
	for (i = 0; i < 64 && nheld; i++)
		rmm_mm_free_pages(m, held[--nheld], 0);
	return true;
}

static const struct rmm_mm_ops host_ops = {
	.wake_kswapd	= fake_wake_kswapd,
	.now_ns		= fake_now,
	.out_of_memory	= fake_oom,
};

/* ---- helpers ---- */
static unsigned long ev(enum rmm_vm_event_item i)
{
	return rmm_vm_event_state(&mm, i);
}

static long nr_free(void)
{
	return rmm_zone_page_state(z, RMM_NR_FREE_PAGES);
}

static void add_lru_pages(unsigned long n, bool active)
{
	unsigned long i;

	for (i = 0; i < MAXP && n; i++) {
		struct rmm_page *p;

		if (lru_page[i])
			continue;
		p = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_NOWAIT |
				       RMM___GFP_NOWARN);
		if (!p)
			break;
		rmm_page_ext(&mm, p)->owner = &obj;
		rmm_page_ext(&mm, p)->index = i;
		lru_page[i] = p;
		ref_of[i] = 0;
		rmm_lru_add(&mm, p, active);
		nr_lru_pages++;
		n--;
	}
}

static void drop_lru_pages(void)
{
	unsigned long i;

	for (i = 0; i < MAXP; i++) {
		if (!lru_page[i])
			continue;
		if (rmm_lru_release(&mm, lru_page[i]))
			rmm_mm_free_pages(&mm, lru_page[i], 0);
		lru_page[i] = NULL;
	}
	nr_lru_pages = 0;
}

/* allocate until the zone is at its min watermark (no pcp pages left) */
static void fill(void)
{
	struct rmm_page *p;
	int round;

	for (round = 0; round < 2; round++) {
		while (nheld < NODE_PAGES &&
		       (p = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_NOWAIT |
					       RMM___GFP_NOWARN)))
			held[nheld++] = p;
		rmm_drain_all_pages(&mm);
	}
}

static void unfill(void)
{
	while (nheld)
		rmm_mm_free_pages(&mm, held[--nheld], 0);
	rmm_drain_all_pages(&mm);
}

static struct rmm_alloc_context normal_ac(void)
{
	struct rmm_alloc_context ac = {
		.zonelist = &mm.nodes[0].node_zonelists[RMM_ZONELIST_FALLBACK],
		.preferred_nid = 0,
		.highest_zoneidx = mm.layout.zone_normal,
		.migratetype = RMM_MIGRATE_UNMOVABLE,
	};

	return ac;
}

/* ------------------------------------------------------------------ */

static void scan_count(struct rmm_scan_count_in *in, unsigned long ia,
		       unsigned long aa, unsigned long inf, unsigned long af)
{
	memset(in, 0, sizeof(*in));
	in->lru_size[RMM_LRU_INACTIVE_ANON] = ia;
	in->lru_size[RMM_LRU_ACTIVE_ANON] = aa;
	in->lru_size[RMM_LRU_INACTIVE_FILE] = inf;
	in->lru_size[RMM_LRU_ACTIVE_FILE] = af;
	in->may_swap = true;
}

#define is_nr(nr, a, b, c, d, what)					\
	ok(nr[0] == (a) && nr[1] == (b) && nr[2] == (c) && nr[3] == (d),\
	   "%s: %lu %lu %lu %lu (want %d %d %d %d)", what, nr[0], nr[1],	\
	   nr[2], nr[3], a, b, c, d)

static void test_get_scan_count(void)
{
	struct rmm_scan_count_in in;
	unsigned long nr[RMM_NR_LRU_LISTS];

	/*
	 * swappiness 60, no costs, priority 12.  tot = 0, ac = fc = 0,
	 * total = 0: ap = 60 * 1 / 1 = 60, fp = 140 * 1 / 1 = 140, den 200.
	 * sizes >> 12: 40960 -> 10, 20480 -> 5, 81920 -> 20, 4096 -> 1;
	 * 10*60/200 = 3, 5*60/200 = 1, 20*140/200 = 14, 1*140/200 = 0
	 */
	scan_count(&in, 40960, 20480, 81920, 4096);
	in.swappiness = 60;
	in.priority = 12;
	rmm_get_scan_count(&in, nr);
	is_nr(nr, 3, 1, 14, 0, "sw 60, no cost, prio 12");

	/*
	 * swappiness 100, anon_cost 300, file_cost 100, priority 10.
	 * tot = 400, ac = 700, fc = 500, total = 1200:
	 * ap = 100 * 1201 / 701 = 171, fp = 100 * 1201 / 501 = 239, den 410.
	 * sizes >> 10: 10240 -> 10, 0, 5120 -> 5, 2048 -> 2;
	 * 10*171/410 = 4, 0, 5*239/410 = 2, 2*239/410 = 1
	 */
	scan_count(&in, 10240, 0, 5120, 2048);
	in.swappiness = 100;
	in.anon_cost = 300;
	in.file_cost = 100;
	in.priority = 10;
	rmm_get_scan_count(&in, nr);
	is_nr(nr, 4, 0, 2, 1, "sw 100, anon cost 300, file cost 100, prio 10");

	/*
	 * swappiness 200 (anon only in cost terms): fp = 0 * ... = 0,
	 * ap = 200 * 1 / 1 = 200 with no cost: anon at its full share
	 * (4096 >> 8 = 16 -> 16*200/200), file none
	 */
	scan_count(&in, 4096, 4096, 4096, 4096);
	in.swappiness = 200;
	in.priority = 8;
	rmm_get_scan_count(&in, nr);
	is_nr(nr, 16, 16, 0, 0, "sw 200, prio 8: anon only");

	/*
	 * swappiness 60, anon_cost 1000, file_cost 0, priority 4:
	 * tot = 1000, ac = 2000, fc = 1000, total = 3000;
	 * ap = 60 * 3001 / 2001 = 89, fp = 140 * 3001 / 1001 = 419, den 508;
	 * 8192 >> 4 = 512: 512*89/508 = 89, 512*419/508 = 422
	 */
	scan_count(&in, 8192, 0, 8192, 0);
	in.swappiness = 60;
	in.anon_cost = 1000;
	in.priority = 4;
	rmm_get_scan_count(&in, nr);
	is_nr(nr, 89, 0, 422, 0, "sw 60, anon cost 1000, prio 4");

	/* priority 0 with swappiness: SCAN_EQUAL, every list in full */
	scan_count(&in, 100, 200, 300, 400);
	in.swappiness = 60;
	in.anon_cost = 1000;
	rmm_get_scan_count(&in, nr);
	is_nr(nr, 100, 200, 300, 400, "prio 0: scan everything");

	/*
	 * swappiness 0 at priority 0 is not SCAN_EQUAL: ap = 0, fp = 200 *
	 * 1 / 1 = 200: file in full, no anon
	 */
	in.swappiness = 0;
	in.anon_cost = 0;
	rmm_get_scan_count(&in, nr);
	is_nr(nr, 0, 0, 300, 400, "sw 0, prio 0: no anon");

	/* no swap: file only (sizes >> 2) */
	in.swappiness = 60;
	in.priority = 2;
	in.may_swap = false;
	rmm_get_scan_count(&in, nr);
	is_nr(nr, 0, 0, 75, 100, "no swap: file only");

	/* file_is_tiny: anon only; cache_trim_mode: file only */
	in.may_swap = true;
	in.file_is_tiny = true;
	rmm_get_scan_count(&in, nr);
	is_nr(nr, 25, 50, 0, 0, "file is tiny: anon only");
	in.file_is_tiny = false;
	in.cache_trim_mode = true;
	rmm_get_scan_count(&in, nr);
	is_nr(nr, 0, 0, 75, 100, "cache trim mode: file only");
}

static void test_inactive_is_low(void)
{
	/* below 1 GiB (262144 pages): ratio 1 */
	ok(rmm_inactive_is_low(100, 101), "100:101 under 1 GiB: low");
	ok(!rmm_inactive_is_low(100, 100), "100:100 under 1 GiB: not low");
	ok(rmm_inactive_is_low(100000, 162143),
	   "262143 pages (gb 0, ratio 1): 100000 < 162143: low");
	/* 1 GiB: gb 1, ratio int_sqrt(10) = 3: 300000 < 162144 false */
	ok(!rmm_inactive_is_low(100000, 162144),
	   "262144 pages (gb 1, ratio 3): 300000 < 162144: not low");
	ok(!rmm_inactive_is_low(65536, 196608),
	   "1 GiB, 65536 * 3 = 196608 == active: not low");
	ok(rmm_inactive_is_low(65535, 196609),
	   "1 GiB, 65535 * 3 = 196605 < 196609: low");
	/* 10 GiB = 2621440 pages: gb 10, ratio int_sqrt(100) = 10 */
	ok(!rmm_inactive_is_low(250000, 2371440),
	   "10 GiB (ratio 10): 2500000 < 2371440: not low");
	/* one page less: gb 9, ratio int_sqrt(90) = 9 */
	ok(rmm_inactive_is_low(250000, 2371439),
	   "10 GiB - 1 page (ratio 9): 2250000 < 2371439: low");
	ok(!rmm_inactive_is_low(238313, 2383127),
	   "10 GiB: 2383130 < 2383127: not low");
	ok(rmm_inactive_is_low(238312, 2383128),
	   "10 GiB: 2383120 < 2383128: low");
}

static void test_check_references(void)
{
	struct rmm_page pg = { 0 };

	RmmSetPageSwapbacked(&pg);
	is_long(rmm_page_check_references(&pg, 0), RMM_PAGEREF_RECLAIM,
		"no reference: reclaim");
	RmmSetPageReferenced(&pg);
	is_long(rmm_page_check_references(&pg, 0), RMM_PAGEREF_RECLAIM,
		"PG_referenced only, anon: reclaim (not reclaim-clean)");
	ok(!RmmPageReferenced(&pg), "PG_referenced cleared");
	is_long(rmm_page_check_references(&pg, 1), RMM_PAGEREF_KEEP,
		"one mapping referenced it, first time: keep");
	ok(RmmPageReferenced(&pg), "and PG_referenced set for the next look");
	is_long(rmm_page_check_references(&pg, 1), RMM_PAGEREF_ACTIVATE,
		"referenced again with PG_referenced: activate");
	RmmClearPageReferenced(&pg);
	is_long(rmm_page_check_references(&pg, 2), RMM_PAGEREF_ACTIVATE,
		"two mappings referenced it: activate");
	RmmClearPageReferenced(&pg);
	RmmSetPageReferenced(&pg);
	is_long(rmm_page_check_references(&pg, -1), RMM_PAGEREF_KEEP,
		"owner busy (-1): keep");
	ok(!RmmPageReferenced(&pg), "PG_referenced consumed even then");
	RmmClearPageSwapbacked(&pg);
	RmmSetPageReferenced(&pg);
	is_long(rmm_page_check_references(&pg, 0), RMM_PAGEREF_RECLAIM_CLEAN,
		"file page with PG_referenced only: reclaim clean");
}

static void test_shrinker_delta(void)
{
	/* (freeable >> priority) * 4 / seeks */
	is_long(rmm_shrinker_delta(1000, 12, 2), 0, "1000 >> 12 = 0");
	is_long(rmm_shrinker_delta(100000, 12, 2), 48,
		"100000 >> 12 = 24, * 4 / 2 = 48");
	is_long(rmm_shrinker_delta(100000, 10, 2), 194,
		"100000 >> 10 = 97, * 4 / 2 = 194");
	is_long(rmm_shrinker_delta(1000, 0, 2), 2000, "1000 * 4 / 2 = 2000");
	is_long(rmm_shrinker_delta(1000, 0, 8), 500, "seeks 8: 1000 * 4 / 8");
	is_long(rmm_shrinker_delta(1000, 0, 0), 2000, "seeks 0: default 2");
}

/* a shrinker whose objects never go away */
static unsigned long shr_freeable, shr_scans, shr_scanned;
static unsigned long shr_calls[2];

static unsigned long shr_count(struct rmm_shrinker *s,
			       struct rmm_shrink_control *sc)
{
	return shr_freeable;
}

static unsigned long shr_scan(struct rmm_shrinker *s,
			      struct rmm_shrink_control *sc)
{
	if (shr_scans < 2)
		shr_calls[shr_scans] = sc->nr_to_scan;
	shr_scans++;
	shr_scanned += sc->nr_to_scan;
	return 0;
}

static void test_shrinker_direct(void)
{
	struct rmm_shrinker s = {
		.count_objects = shr_count,
		.scan_objects = shr_scan,
	};
	struct rmm_alloc_context ac = normal_ac();
	unsigned long stall0 = ev(RMM_ALLOCSTALL + mm.layout.zone_normal);
	unsigned long slabs0 = ev(RMM_SLABS_SCANNED);
	unsigned long got;

	rmm_register_shrinker(&mm, &s);
	is_long(s.batch, RMM_SHRINK_BATCH, "batch 0 becomes 128");
	is_long(s.seeks, RMM_DEFAULT_SEEKS, "seeks 0 becomes 2");
	shr_freeable = 64;
	/*
	 * Nothing on the LRU: do_try_to_free_pages() walks priority 12..0,
	 * one shrink_slab() each.  freeable 64, batch 128, seeks 2:
	 * delta(p) = 2 * (64 >> p): 0 for p >= 7, then 2, 4, 8, 16, 32, 64,
	 * 128.  total = (deferred >> p) + delta, scanned when >= 64:
	 *   p 6: 0 + 2 = 2      deferred 2
	 *   p 5: 0 + 4 = 4      deferred 6
	 *   p 4: 0 + 8 = 8      deferred 14
	 *   p 3: 1 + 16 = 17    deferred 30
	 *   p 2: 7 + 32 = 39    deferred 62
	 *   p 1: 31 + 64 = 95   scan 95, deferred 62 + 64 - 95 = 31
	 *   p 0: 31 + 128 = 159, capped at 2 * 64 = 128: scan 128,
	 *        deferred 31 + 128 - 128 = 31
	 */
	got = rmm_try_to_free_pages(&mm, &ac, 0, RMM_GFP_KERNEL);
	is_long(got, 0, "nothing reclaimed");
	is_long(shr_scans, 2, "scan_objects called twice");
	ok(shr_calls[0] == 95 && shr_calls[1] == 128,
	   "nr_to_scan 95 at priority 1, 128 at priority 0 (got %lu, %lu)",
	   shr_calls[0], shr_calls[1]);
	is_long(s.nr_deferred[0], 31, "nr_deferred left at 31");
	is_long(ev(RMM_SLABS_SCANNED) - slabs0, 223, "slabs_scanned 95 + 128");
	is_long(ev(RMM_ALLOCSTALL + mm.layout.zone_normal) - stall0, 1,
		"allocstall counted once, for the Normal zone");
	rmm_unregister_shrinker(&mm, &s);
	shr_scans = 0;
	rmm_try_to_free_pages(&mm, &ac, 0, RMM_GFP_KERNEL);
	is_long(shr_scans, 0, "an unregistered shrinker is not called");
}

/*
 * slab.c's shrinker: the slab keeps up to min_partial empty slabs per
 * cache and node; under reclaim they go back to the buddy
 */
static void test_slab_shrinker(void)
{
	struct rmm_slab_params params = { 0 };
	struct rmm_shrink_control sc = { .nid = 0 };
	struct rmm_alloc_context ac = normal_ac();
	struct rmm_shrinker probe = { 0 };
	static void *objs[2048];
	struct rmm_cache *c;
	unsigned long empty;
	long slab0;
	int i;

	is_long(rmm_slab_init(&mm, &params), 0, "slab set up");
	c = rmm_mm_cache_create(&mm, "vmscan-256", 256, 0, 0, NULL);
	for (i = 0; i < 2048; i++)
		objs[i] = rmm_cache_alloc(c, RMM_GFP_KERNEL);
	for (i = 0; i < 2048; i++)
		rmm_cache_free(c, objs[i]);
	rmm_slab_shrinker_init(&mm, &probe);
	/* the per-CPU arrays keep some objects: flush them into slabs */
	rmm_slab_cpu_dead(&mm, 0);
	empty = probe.count_objects(&probe, &sc);
	ok(empty > 0, "empty slabs kept after freeing everything (%lu pages)",
	   empty);
	slab0 = rmm_node_page_state(&mm.nodes[0], RMM_NR_SLAB_UNRECLAIMABLE_B);
	/*
	 * nothing on the LRU: priorities 12..0; with freeable = empty
	 * (a few pages) the total reaches freeable by priority 0 at the
	 * latest ((empty >> 0) * 4 / 2 = 2 * empty)
	 */
	rmm_try_to_free_pages(&mm, &ac, 0, RMM_GFP_KERNEL);
	is_long(probe.count_objects(&probe, &sc), 0,
		"direct reclaim gave the empty slabs back");
	ok(rmm_node_page_state(&mm.nodes[0], RMM_NR_SLAB_UNRECLAIMABLE_B) <
	   slab0, "NR_SLAB_UNRECLAIMABLE_B went down");
	is_long(rmm_cache_destroy(c), 0, "cache destroyed");
	is_long(rmm_slab_fini(&mm), 0, "slab torn down");
	is_long(probe.count_objects(&probe, &sc), 0,
		"without a slab the shrinker counts nothing");
}

static void test_kswapd_balance(void)
{
	unsigned long steal0 = ev(RMM_PGSTEAL_KSWAPD);
	unsigned long scan0 = ev(RMM_PGSCAN_KSWAPD);
	unsigned long anon0 = ev(RMM_PGSCAN_ANON);
	unsigned long sanon0 = ev(RMM_PGSTEAL_ANON);
	unsigned long run0 = ev(RMM_PAGEOUTRUN);
	unsigned long high = rmm_high_wmark_pages(z), high_boosted, steal;
	long before;

	add_lru_pages(4000, false);
	wakeups = 0;
	fill();
	before = nr_free();
	ok(before < (long)rmm_low_wmark_pages(z),
	   "filled below low (%ld free, low %lu)", before,
	   rmm_low_wmark_pages(z));
	/* the fill's fallback steals boosted the watermarks */
	high_boosted = rmm_high_wmark_pages(z);
	ok(wakeups > 0 && rmm_kswapd_pending(&mm, 0),
	   "the allocator woke kswapd through the host (%lu wakeups)",
	   wakeups);
	rmm_kswapd_run(&mm, 0);
	steal = ev(RMM_PGSTEAL_KSWAPD) - steal0;
	ok(!rmm_kswapd_pending(&mm, 0), "the run consumed the wakeup");
	ok(nr_free() >= (long)high,
	   "balance_pgdat reached the high watermark (%ld free, high %lu)",
	   nr_free(), high);
	ok(steal > 0 && steal < 4000,
	   "it stopped there: %lu of 4000 LRU pages reclaimed", steal);
	/*
	 * a boost that the node is below is ignored (normal reclaim, up to
	 * the boosted high mark); nr_to_reclaim = max(high, 32) per round,
	 * a round may finish beyond the mark
	 */
	ok(steal <= high_boosted - before + high_boosted +
	   RMM_SWAP_CLUSTER_MAX,
	   "no more than one round beyond the need (%lu, high with boost %lu)",
	   steal, high_boosted);
	is_long(z->watermark_boost, 0, "the boost was dropped at the end");
	is_long(nr_lru_pages, 4000 - steal, "the pages it freed left the owner");
	ok(ev(RMM_PGSCAN_KSWAPD) - scan0 >= steal &&
	   ev(RMM_PGSCAN_ANON) - anon0 == ev(RMM_PGSCAN_KSWAPD) - scan0,
	   "pgscan_kswapd counts the anon scans");
	is_long(ev(RMM_PGSTEAL_ANON) - sanon0, steal,
		"pgsteal_anon counts what pgsteal_kswapd counts");
	is_long(ev(RMM_PAGEOUTRUN) - run0, 1, "pageoutrun 1");
	ok(pageouts_may_swap == pageouts, "unboosted reclaim may swap");
	ok(pageouts > 0 && pageouts_plugged == pageouts,
	   "kswapd pages out under a block plug (%lu of %lu)",
	   pageouts_plugged, pageouts);
	ok(!rmm_port_io_plugged(), "and the plug is finished after the run");
	is_long(obj.pins, 0, "every pin() was unpinned");
	is_long(mm.nodes[0].kswapd_failures, 0, "no failure");
	is_long(rmm_validate_mm(&mm), 0, "instance consistent");

	/* kswapd_try_to_sleep(): balanced -> nap, then full sleep */
	is_long(rmm_kswapd_sleep_decision(&mm, 0, false, false),
		RMM_KSWAPD_SLEEP_SHORT, "balanced: nap HZ/10 first");
	is_long(rmm_kswapd_sleep_decision(&mm, 0, true, false),
		RMM_KSWAPD_SLEEP_FULL, "still balanced after the nap: sleep");
	{
		unsigned long lo = ev(RMM_KSWAPD_LOW_WMARK_HIT_QUICKLY);
		unsigned long hi = ev(RMM_KSWAPD_HIGH_WMARK_HIT_QUICKLY);

		rmm_kswapd_sleep_decision(&mm, 0, false, false);
		is_long(rmm_kswapd_sleep_decision(&mm, 0, true, true),
			RMM_KSWAPD_RUN, "a nap cut short by a wakeup: run");
		is_long(ev(RMM_KSWAPD_LOW_WMARK_HIT_QUICKLY) - lo, 1,
			"kswapd_low_wmark_hit_quickly");
		fill();
		is_long(rmm_kswapd_sleep_decision(&mm, 0, false, false),
			RMM_KSWAPD_RUN, "not balanced: no sleep");
		is_long(ev(RMM_KSWAPD_HIGH_WMARK_HIT_QUICKLY) - hi, 1,
			"kswapd_high_wmark_hit_quickly");
	}
	unfill();
	drop_lru_pages();
}

static void test_kswapd_failures(void)
{
	int i;

	add_lru_pages(2000, false);
	pageout_answer = RMM_PAGEOUT_KEEP;	/* nothing can be reclaimed */
	fill();
	for (i = 0; i < RMM_MAX_RECLAIM_RETRIES; i++) {
		ok(!rmm_node_unreclaimable(&mm, 0),
		   "run %d: node still reclaimable", i);
		rmm_kswapd_run(&mm, 0);
	}
	is_long(mm.nodes[0].kswapd_failures, 16, "16 runs without progress");
	ok(rmm_node_unreclaimable(&mm, 0), "node_unreclaimable");
	is_long(rmm_kswapd_sleep_decision(&mm, 0, false, false),
		RMM_KSWAPD_SLEEP_SHORT,
		"a hopeless node sleeps although below high");
	rmm_kswapd_sleep_decision(&mm, 0, true, false);
	wakeups = 0;
	rmm_wakeup_kswapd(&mm, z, 0, mm.layout.zone_normal);
	ok(wakeups == 0 && !rmm_kswapd_pending(&mm, 0),
	   "wakeup_kswapd leaves a hopeless node's kswapd asleep");

	/* direct reclaim with progress revives it (shrink_node()) */
	pageout_answer = RMM_PAGEOUT_FREED;
	{
		struct rmm_alloc_context ac = normal_ac();
		unsigned long po0 = pageouts, plugged0 = pageouts_plugged;

		ok(rmm_try_to_free_pages(&mm, &ac, 0, RMM_GFP_KERNEL) >=
		   RMM_SWAP_CLUSTER_MAX, "direct reclaim freed 32 pages");
		ok(pageouts > po0 &&
		   pageouts_plugged - plugged0 == pageouts - po0,
		   "direct reclaim pages out under a block plug too");
		ok(!rmm_port_io_plugged(), "no plug left behind");
	}
	is_long(mm.nodes[0].kswapd_failures, 0, "kswapd_failures reset");
	ok(!rmm_node_unreclaimable(&mm, 0), "node reclaimable again");
	unfill();
	drop_lru_pages();
	is_long(obj.pins, 0, "pins balanced");
}

static void test_boosted(void)
{
	unsigned long anon0 = ev(RMM_PGSCAN_ANON);
	unsigned long po0 = pageouts_may_swap;

	/*
	 * 8192 LRU pages and swappiness 200 (ap = 200, fp = 0): were anon
	 * scanned at all, priority 12 would take 8192 >> 12 = 2 pages
	 */
	add_lru_pages(8192, false);
	mm.tunables.swappiness = 200;
	/* plenty free, only the boost asks for reclaim */
	WRITE_ONCE(z->watermark_boost, 256);
	ok(nr_free() > (long)rmm_high_wmark_pages(z), "balanced with boost");
	wakeups = 0;
	rmm_wakeup_kswapd(&mm, z, 0, mm.layout.zone_normal);
	ok(wakeups == 1, "a boosted but balanced node still gets kswapd");
	rmm_kswapd_run(&mm, 0);
	is_long(ev(RMM_PGSCAN_ANON) - anon0, 0,
		"boosted reclaim scans no anon page (no swap)");
	is_long(pageouts_may_swap - po0, 0, "and never asks to swap");
	is_long(z->watermark_boost, 0, "the boost it started with is gone");
	/* regionmm has no file pages yet: boosted reclaim finds nothing */
	is_long(mm.nodes[0].kswapd_failures, 1, "a run without progress");
	mm.tunables.swappiness = 60;
	drop_lru_pages();
	mm.nodes[0].kswapd_failures = 0;
}

static void test_direct_oom(void)
{
	unsigned long stall0 = ev(RMM_ALLOCSTALL + mm.layout.zone_normal);
	unsigned long sd0 = ev(RMM_PGSCAN_DIRECT), st0 = ev(RMM_PGSTEAL_DIRECT);
	unsigned long fail0;
	struct rmm_page *p;

	/* reclaimable pages that reclaim can take: direct reclaim serves */
	add_lru_pages(1000, false);
	fill();
	p = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_KERNEL);
	ok(p != NULL, "GFP_KERNEL at min: direct reclaim found a page");
	ok(ev(RMM_PGSTEAL_DIRECT) - st0 >= RMM_SWAP_CLUSTER_MAX &&
	   ev(RMM_PGSCAN_DIRECT) - sd0 >= ev(RMM_PGSTEAL_DIRECT) - st0,
	   "pgscan_direct and pgsteal_direct counted");
	is_long(ev(RMM_ALLOCSTALL + mm.layout.zone_normal) - stall0, 1,
		"one allocstall");
	is_long(oom_calls, 0, "no OOM");
	rmm_mm_free_pages(&mm, p, 0);

	/*
	 * Nothing reclaim can take (the owner keeps every page) but the
	 * pages count as reclaimable: should_reclaim_retry() retries while
	 * free + reclaimable passes min, until 16 rounds in a row made no
	 * progress (the 17th round gives up): 17 direct reclaims, then one
	 * call of the OOM killer, which finds nothing.
	 */
	fill();
	pageout_answer = RMM_PAGEOUT_KEEP;
	fail0 = ev(RMM_PGALLOC_FAIL);
	stall0 = ev(RMM_ALLOCSTALL + mm.layout.zone_normal);
	oom_calls = 0;
	oom_answer = false;
	p = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_KERNEL | RMM___GFP_NOWARN);
	ok(p == NULL, "nothing reclaimable, nothing killed: NULL");
	is_long(ev(RMM_ALLOCSTALL + mm.layout.zone_normal) - stall0, 17,
		"17 direct reclaims (MAX_RECLAIM_RETRIES + 1)");
	is_long(oom_calls, 1, "then the OOM killer once");
	is_long(ev(RMM_PGALLOC_FAIL) - fail0, 1, "the failure counted");

	/* __GFP_NORETRY: one reclaim, no OOM */
	stall0 = ev(RMM_ALLOCSTALL + mm.layout.zone_normal);
	p = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_KERNEL | RMM___GFP_NORETRY |
			       RMM___GFP_NOWARN);
	ok(!p && oom_calls == 1, "__GFP_NORETRY fails without the OOM killer");
	is_long(ev(RMM_ALLOCSTALL + mm.layout.zone_normal) - stall0, 1,
		"after one direct reclaim");
	/* a costly order without __GFP_RETRY_MAYFAIL: no OOM either */
	p = rmm_mm_alloc_pages(&mm, 0, 4, RMM_GFP_KERNEL | RMM___GFP_NOWARN);
	ok(!p && oom_calls == 1, "order 4 fails without the OOM killer");
	/* __GFP_THISNODE with RETRY_MAYFAIL: retries, but no OOM */
	p = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_KERNEL |
			       RMM___GFP_RETRY_MAYFAIL | RMM___GFP_NOWARN);
	ok(!p && oom_calls == 1, "__GFP_RETRY_MAYFAIL: no OOM killer");

	/* the OOM killer kills: the allocation retries and succeeds */
	oom_answer = true;
	p = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_KERNEL);
	ok(p != NULL && oom_calls == 2,
	   "a kill frees memory: the retry gets a page (%lu OOM calls)",
	   oom_calls);
	if (p)
		rmm_mm_free_pages(&mm, p, 0);

	/* never sleeps without __GFP_DIRECT_RECLAIM: no reclaim, no OOM */
	fill();
	stall0 = ev(RMM_ALLOCSTALL + mm.layout.zone_normal);
	p = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_NOWAIT | RMM___GFP_NOWARN);
	ok(!p && ev(RMM_ALLOCSTALL + mm.layout.zone_normal) == stall0 &&
	   oom_calls == 2, "GFP_NOWAIT: no direct reclaim, no OOM");
	oom_answer = false;
	pageout_answer = RMM_PAGEOUT_FREED;
	unfill();
	drop_lru_pages();
	is_long(obj.pins, 0, "pins balanced");
	is_long(rmm_validate_mm(&mm), 0, "instance consistent");
}

static void test_active_list(void)
{
	unsigned long refill0 = ev(RMM_PGREFILL);
	unsigned long deact0 = ev(RMM_PGDEACTIVATE);
	unsigned long act0 = ev(RMM_PGACTIVATE);
	struct rmm_lruvec *lruvec = rmm_node_lruvec(&mm, 0);
	unsigned long i;

	/*
	 * Active only: kswapd_age_node()/shrink_lruvec() see inactive
	 * (0) * 1 < active: inactive is low, shrink_active_list() moves
	 * 32 pages at a time to the inactive list, referenced or not (the
	 * kernel keeps only referenced executable file folios active).
	 */
	add_lru_pages(200, true);
	for (i = 0; i < MAXP; i++)
		if (lru_page[i])
			ref_of[i] = 1;
	fill();
	rmm_kswapd_run(&mm, 0);
	ok(ev(RMM_PGREFILL) - refill0 > 0, "pgrefill counted (%lu)",
	   ev(RMM_PGREFILL) - refill0);
	ok(ev(RMM_PGDEACTIVATE) - deact0 > 0 &&
	   ev(RMM_PGDEACTIVATE) - deact0 <= ev(RMM_PGREFILL) - refill0,
	   "pgdeactivate counted (%lu)", ev(RMM_PGDEACTIVATE) - deact0);
	/*
	 * referenced() cleared the references on the way to the inactive
	 * list, so the pages reclaimed there were not activated again
	 */
	is_long(ev(RMM_PGACTIVATE) - act0, 0, "no page activated");
	ok(rmm_lruvec_size(lruvec, RMM_LRU_ACTIVE_ANON) < 200,
	   "the active list shrank");
	unfill();
	drop_lru_pages();

	/* referenced twice on the inactive list: activated */
	add_lru_pages(40, false);
	for (i = 0; i < MAXP; i++)
		if (lru_page[i])
			ref_of[i] = 2;
	act0 = ev(RMM_PGACTIVATE);
	{
		struct rmm_alloc_context ac = normal_ac();

		fill();
		rmm_try_to_free_pages(&mm, &ac, 0, RMM_GFP_KERNEL);
	}
	/*
	 * each of the 40 is activated the first time it is looked at; once
	 * the inactive list is low again they are deactivated (referenced()
	 * cleared their references) and reclaimed
	 */
	is_long(ev(RMM_PGACTIVATE) - act0, 40,
		"pgactivate once for each page with two referencing mappings");
	ok(lruvec->anon_cost > 0, "lru_note_cost charged anon (%lu)",
	   lruvec->anon_cost);
	unfill();
	drop_lru_pages();
	is_long(rmm_validate_mm(&mm), 0, "instance consistent");
}

int main(void)
{
	u64 cookie = 0;
	int type;

	if (rmm_test_mm_simple(&mm, 1, NODE_PAGES, 0x100000)) {
		printf("1..0 # SKIP instance init failed\n");
		return 1;
	}
	mm.ops = &host_ops;
	z = &mm.nodes[0].node_zones[mm.layout.zone_normal];
	ok(rmm_lru_init(&mm) == 0 && rmm_swap_init(&mm) == 0 &&
	   rmm_reclaim_init(&mm) == 0, "lru, swap and reclaim set up");
	rmm_lru_set_owner_ops(&mm, &fake_owner);
	type = rmm_swapon(&mm, 1, "fake", 8192, -1, 0);
	ok(type >= 0 && rmm_can_swap(&mm), "a swap device is on");
	is_long(mm.tunables.swappiness, 60, "vm.swappiness 60 by default");
	clock_ns = 1000000000ULL;

	test_get_scan_count();
	test_inactive_is_low();
	test_check_references();
	test_shrinker_delta();
	test_shrinker_direct();
	test_slab_shrinker();
	test_kswapd_balance();
	test_kswapd_failures();
	test_boosted();
	test_active_list();
	test_direct_oom();

	is_long(rmm_swapoff(&mm, type, &cookie), 0, "swapoff");
	rmm_reclaim_fini(&mm);
	rmm_swap_fini(&mm);
	rmm_lru_fini(&mm);
	is_long(rmm_mm_fini(&mm), 0, "fini");
	return done_testing();
}
