// SPDX-License-Identifier: GPL-2.0
/*
 * test_workingset.c - refault detection (workingset.c): the shadow
 * format, bucket_order, the refault distance and the workingset size
 * against values worked by hand from 6.12's mm/workingset.c formulas
 * (with regionmm's 26 timestamp bits, workingset.h), then end to end on
 * a memory object with a fake swap device: pages paged out leave shadows
 * in their slots, a refault is counted only with a shadow, a page comes
 * back on the active list when its distance is within the workingset
 * size and on the inactive one when not, restore/workingset for a page
 * that was active before its eviction, and shadows go with their slots.
 */
#include "rmm_test.h"
#include "memobj.h"
#include "lru.h"
#include "swapfile.h"
#include "wmark.h"
#include "vmscan.h"
#include "workingset.h"

static struct rmm_mm mm;

static void test_unmap_obj(struct rmm_mm *m, u64 cookie, u64 pgoff, u64 nr)
{
}

#define DEV_PAGES	256
static u8 dev_mem[DEV_PAGES][4096];

static int test_swap_io(struct rmm_mm *m, u64 cookie, u64 offset, void *a,
			bool write)
{
	if (offset == 0 || offset >= DEV_PAGES)
		return -EINVAL;
	if (write)
		memcpy(dev_mem[offset], a, 4096);
	else
		memcpy(a, dev_mem[offset], 4096);
	return 0;
}

static const struct rmm_mm_ops test_ops = {
	.unmap_obj	= test_unmap_obj,
	.swap_io	= test_swap_io,
};

#define GFP	RMM_GFP_HIGHUSER_MOVABLE

static long node_stat(enum rmm_node_stat_item i)
{
	return rmm_node_page_state(&mm.nodes[0], i);
}

static long age(void)
{
	return rmm_atomic_long_read(&rmm_node_lruvec(&mm, 0)->nonresident_age);
}

/* ---- the formulas ---- */

static void test_pack(void)
{
	unsigned long ev;
	bool ws;
	int nid;
	u32 s;

	/* TAG | eviction << 4 | nid << 1 | workingset */
	s = rmm_pack_shadow(5, 0x123456, true);
	is_long(s, 0x8123456b, "pack(5, 0x123456, 1) = 0x8123456b");
	rmm_unpack_shadow(s, &nid, &ev, &ws);
	ok(nid == 5 && ev == 0x123456 && ws, "unpack: nid 5, eviction 0x123456, workingset");
	s = rmm_pack_shadow(0, 0, false);
	is_long(s, 0x80000000, "pack(0, 0, 0) = the bare tag");
	rmm_unpack_shadow(s, &nid, &ev, &ws);
	ok(nid == 0 && ev == 0 && !ws, "unpack: 0, 0, 0");
	/* eviction & EVICTION_MASK (2^26 - 1) */
	s = rmm_pack_shadow(3, (1UL << 26) + 1, false);
	is_long(s, 0x80000016, "eviction 2^26 + 1 is masked to 1: 0x80000016");
	s = rmm_pack_shadow(7, (1UL << 26) - 1, true);
	is_long(s, 0xbfffffff, "all bits: 0xbfffffff");
	rmm_unpack_shadow(s, &nid, &ev, &ws);
	ok(nid == 7 && ev == (1UL << 26) - 1 && ws, "unpack of all bits");
	ok(rmm_is_shadow(s) && s != RMM_NIL, "a shadow, never RMM_NIL");
	ok(!rmm_is_shadow(RMM_NIL), "RMM_NIL is no shadow");
	ok(!rmm_is_shadow((1U << 28) - 1), "a page index is no shadow");
}

static void test_bucket_order(void)
{
	/* max(0, fls_long(totalram - 1) - 26) */
	is_long(rmm_workingset_bucket_order(16384), 0, "16384 pages: fls(16383) = 14: 0");
	is_long(rmm_workingset_bucket_order(1UL << 26), 0, "2^26 pages: fls = 26: 0");
	is_long(rmm_workingset_bucket_order((1UL << 26) + 1), 1, "2^26 + 1 pages: fls = 27: 1");
	is_long(rmm_workingset_bucket_order(1UL << 30), 4, "2^30 pages: fls = 30: 4");
	is_long(rmm_workingset_bucket_order(1), 0, "1 page: 0");
	is_long(mm.lru->bucket_order, 0, "the instance (16384 pages): 0");
}

static void test_distance(void)
{
	unsigned long sizes[RMM_NR_LRU_LISTS];

	is_long(rmm_refault_distance(10, 4), 6, "distance 10 - 4 = 6");
	is_long(rmm_refault_distance(4, 4), 0, "distance 0");
	/* the counter wrapped past the 26 bits: (3 - (2^26 - 2)) & mask */
	is_long(rmm_refault_distance(3, (1UL << 26) - 2), 5, "across the wrap: 5");
	/* lapped: a false small distance, as the kernel's */
	is_long(rmm_refault_distance((1UL << 26) + 10, 4), 6, "lapped: 6");

	sizes[RMM_LRU_INACTIVE_ANON] = 100;
	sizes[RMM_LRU_ACTIVE_ANON] = 20;
	sizes[RMM_LRU_INACTIVE_FILE] = 7;
	sizes[RMM_LRU_ACTIVE_FILE] = 3;
	is_long(rmm_workingset_size(sizes, false, true), 30,
		"anon, swap free: active_file 3 + inactive_file 7 + active_anon 20");
	is_long(rmm_workingset_size(sizes, false, false), 10,
		"anon, no swap: 3 + 7");
	is_long(rmm_workingset_size(sizes, true, true), 123,
		"file, swap free: 3 + 20 + 100");
	is_long(rmm_workingset_size(sizes, true, false), 3, "file, no swap: 3");
}

/* ---- end to end ---- */

static struct rmm_page_ext *ext_of(struct rmm_page *p)
{
	return rmm_page_ext(&mm, p);
}

static int fault(struct rmm_memview *v, u64 pgoff, struct rmm_fault *f)
{
	int ret;

	memset(f, 0, sizeof(*f));
	f->pgoff = pgoff;
	rmm_memview_lock(v);
	ret = rmm_memview_fault(v, f);
	rmm_memview_unlock(v);
	return ret;
}

/*
 * shrink_folio_list() on one inactive page: isolate it (the others go
 * back), ->pageout(), free it when the owner let go
 */
static enum rmm_pageout evict(struct rmm_page *p)
{
	struct rmm_lruvec *lruvec = rmm_node_lruvec(&mm, 0);
	struct rmm_plist all, back, nofree;
	unsigned long taken;
	enum rmm_pageout ret = -1;
	struct rmm_page *q;
	void *owner = NULL;

	rmm_plist_init(&all);
	rmm_plist_init(&back);
	rmm_plist_init(&nofree);
	rmm_lru_isolate(&mm, lruvec, RMM_LRU_INACTIVE_ANON, ~0UL, &all, &taken);
	while ((q = rmm_plist_pop(&mm, &all))) {
		struct rmm_plist one;

		if (q == p)
			continue;
		rmm_plist_init(&one);
		rmm_plist_add_tail(&mm, &one, q);
		rmm_lru_putback(&mm, lruvec, &one, &nofree);
		rmm_memobj_lru_ops.unpin(&mm, ext_of(q)->owner);
	}
	if (RmmPageLru(p) || !(ext_of(p)->flags & RMM_EXT_ISOLATED))
		return ret;
	owner = ext_of(p)->owner;
	ret = rmm_memobj_lru_ops.pageout(&mm, p, true);
	if (ret == RMM_PAGEOUT_FREED || ret == RMM_PAGEOUT_CLEAN) {
		rmm_lru_isolated_done(&mm, p);
		p->next = p->prev = RMM_NIL;
		rmm_mm_free_pages(&mm, p, 0);
	} else {
		rmm_plist_add_tail(&mm, &back, p);
		rmm_lru_putback(&mm, lruvec, &back, &nofree);
	}
	rmm_memobj_lru_ops.unpin(&mm, owner);
	return ret;
}

/* @pgoff of @v holds a swap entry */
static bool swapped_at(struct rmm_memview *v, u64 pgoff)
{
	struct rmm_pgrange r = { pgoff, 1 };

	return rmm_memview_count_swap(v, &r) == 1;
}

static u32 cache_slot(u32 e)
{
	return mm.swap->info[rmm_swp_type(e)]->cache[rmm_swp_offset(e)];
}

static bool clean(struct rmm_memobj *obj)
{
	return !rmm_memobj_validate(obj) && !rmm_swap_validate(&mm) &&
		!rmm_lru_validate(&mm);
}

#define NP	16

static void test_refault(void)
{
	struct rmm_pgrange all = { 0, ~0ULL };
	long ref0, act0, res0, age0, cost0;
	struct rmm_lruvec *lruvec = rmm_node_lruvec(&mm, 0);
	struct rmm_memobj *obj;
	struct rmm_memview *v;
	struct rmm_page *p[NP];
	struct rmm_fault f;
	unsigned long ev;
	u32 e0, s;
	bool ws;
	int i, nid, type;
	u64 cookie;

	obj = rmm_memobj_create(&mm, RMM_MEMOBJ_PRIVATE, 0, GFP);
	rmm_memobj_set_host(obj, 0x77);
	v = rmm_memview_get(obj, 1);
	for (i = 0; i < NP; i++) {
		fault(v, i, &f);
		p[i] = f.page;
		memset(rmm_mm_page_address(&mm, p[i]), i + 1, 4096);
	}
	type = rmm_swapon(&mm, 0x5a5a, "fake", DEV_PAGES, -1, 0);
	ok(type >= 0, "swapon");

	/* two activations (mark_page_accessed() twice): age 0 -> 2 */
	age0 = age();
	for (i = NP - 2; i < NP; i++) {
		rmm_mark_page_accessed(&mm, p[i]);
		rmm_mark_page_accessed(&mm, p[i]);
	}
	is_long(age() - age0, 2, "two activations age nonresident_age by 2");
	is_long(node_stat(RMM_NR_ACTIVE_ANON), 2, "active anon: 2");

	/* evict pgoff 0: the shadow holds age 2, age -> 3 */
	age0 = age();
	is_long(evict(p[0]), RMM_PAGEOUT_FREED, "pgoff 0 paged out");
	is_long(age() - age0, 1, "the eviction aged nonresident_age by 1");
	ok(swapped_at(v, 0), "pgoff 0 is a swap entry");
	/* the only used slot of the fresh device: slot 1 */
	e0 = rmm_swp_entry(type, 1);
	is_long(rmm_swap_count(&mm, e0), 1, "slot 1 holds it (count 1)");
	s = rmm_swapcache_get_shadow(&mm, e0);
	ok(rmm_is_shadow(s), "the slot holds a shadow");
	rmm_unpack_shadow(s, &nid, &ev, &ws);
	ok(nid == 0 && ev == (unsigned long)age0 && !ws,
	   "shadow: node 0, eviction %lu (the age before), workingset 0", ev);
	ok(clean(obj), "validate clean with a shadow");

	/* refault at distance 3 - 2 = 1 <= workingset size 2: activated */
	ref0 = node_stat(RMM_WORKINGSET_REFAULT_ANON);
	act0 = node_stat(RMM_WORKINGSET_ACTIVATE_ANON);
	res0 = node_stat(RMM_WORKINGSET_RESTORE_ANON);
	age0 = age();
	is_long(fault(v, 0, &f), 0, "refault pgoff 0");
	ok(f.major, "major");
	is_long(node_stat(RMM_WORKINGSET_REFAULT_ANON) - ref0, 1, "workingset_refault_anon +1");
	is_long(node_stat(RMM_WORKINGSET_ACTIVATE_ANON) - act0, 1,
		"distance 1 <= 2: workingset_activate_anon +1");
	is_long(node_stat(RMM_WORKINGSET_RESTORE_ANON) - res0, 0,
		"not active before: no restore");
	p[0] = f.page;
	ok(RmmPageActive(p[0]) && RmmPageLru(p[0]), "on the active list");
	ok(!(ext_of(p[0])->flags & RMM_EXT_WORKINGSET), "no PG_workingset");
	is_long(age() - age0, 1, "the activation aged nonresident_age");
	is_long(cache_slot(e0), rmm_mm_page_idx(&mm, p[0]),
		"the page took its shadow's place in the swap cache (kept: swap not half full)");
	is_long(node_stat(RMM_NR_ACTIVE_ANON), 3, "active anon: 3");

	/*
	 * evict pgoffs 1..6: pgoff 1's eviction is the age now (a0), and
	 * the six evictions bring the age to a0 + 6: distance 6 > 3
	 */
	age0 = age();
	for (i = 1; i <= 6; i++)
		is_long(evict(p[i]), RMM_PAGEOUT_FREED, "pgoff %d paged out", i);
	is_long(age() - age0, 6, "six evictions: age + 6");
	ref0 = node_stat(RMM_WORKINGSET_REFAULT_ANON);
	act0 = node_stat(RMM_WORKINGSET_ACTIVATE_ANON);
	is_long(fault(v, 1, &f), 0, "refault pgoff 1");
	is_long(node_stat(RMM_WORKINGSET_REFAULT_ANON) - ref0, 1, "workingset_refault_anon +1");
	is_long(node_stat(RMM_WORKINGSET_ACTIVATE_ANON) - act0, 0,
		"distance 6 > 3: not activated");
	p[1] = f.page;
	ok(!RmmPageActive(p[1]) && RmmPageLru(p[1]), "on the inactive list");
	is_long(age() - age0, 6, "no activation, no aging");
	/* pgoff 6 was evicted last: distance 1 <= 3 */
	is_long(fault(v, 6, &f), 0, "refault pgoff 6");
	is_long(node_stat(RMM_WORKINGSET_ACTIVATE_ANON) - act0, 1,
		"distance 1: activated");
	p[6] = f.page;
	ok(RmmPageActive(p[6]), "pgoff 6 on the active list");

	/*
	 * a page that was active (PG_workingset set by shrink_active_list()
	 * when it deactivated it): restore on a close refault
	 */
	rmm_spin_lock(&lruvec->lru_lock);
	ext_of(p[7])->flags |= RMM_EXT_WORKINGSET;
	rmm_spin_unlock(&lruvec->lru_lock);
	is_long(evict(p[7]), RMM_PAGEOUT_FREED, "pgoff 7 (workingset) paged out");
	res0 = node_stat(RMM_WORKINGSET_RESTORE_ANON);
	act0 = node_stat(RMM_WORKINGSET_ACTIVATE_ANON);
	cost0 = lruvec->anon_cost + lruvec->file_cost;
	is_long(fault(v, 7, &f), 0, "refault pgoff 7");
	p[7] = f.page;
	is_long(node_stat(RMM_WORKINGSET_ACTIVATE_ANON) - act0, 1, "activated");
	is_long(node_stat(RMM_WORKINGSET_RESTORE_ANON) - res0, 1,
		"workingset_restore_anon +1");
	ok(RmmPageActive(p[7]) && (ext_of(p[7])->flags & RMM_EXT_WORKINGSET),
	   "active, PG_workingset set");
	/*
	 * lru_note_cost_refault(): 6.12 cost = 1 * SWAP_CLUSTER_MAX + 0 =
	 * 32, then halved since 32 > lru size 11 / 4 (inactive: pgoffs 1,
	 * 8..13; active: 0, 6, 14, 15; pgoff 7 is not on a list yet)
	 */
	is_long(cost0, 0, "no cost noted before");
	is_long(lruvec->anon_cost, 16, "anon_cost 32 / 2 = 16 (6.12)");

	/* a swap cache hit is no refault */
	{
		struct rmm_memview *child;
		bool first;

		is_long(evict(p[8]), RMM_PAGEOUT_FREED, "pgoff 8 paged out");
		child = rmm_memview_fork(v, 2, &first);
		ok(child != NULL, "fork: both views hold the slot");
		ref0 = node_stat(RMM_WORKINGSET_REFAULT_ANON);
		is_long(fault(v, 8, &f), 0, "parent refaults pgoff 8");
		is_long(node_stat(RMM_WORKINGSET_REFAULT_ANON) - ref0, 1, "a refault");
		is_long(fault(child, 8, &f), 0, "the child finds it in the swap cache");
		ok(!f.major, "minor");
		is_long(node_stat(RMM_WORKINGSET_REFAULT_ANON) - ref0, 1, "no second refault");
		{
			struct rmm_plist vl;

			rmm_plist_init(&vl);
			rmm_memview_punch(child, &all, &vl);
			rmm_memobj_free_victims(obj, &vl);
		}
		rmm_memview_put(child);
	}

	/* shadows go with their slots: punch the swapped pgoffs 2..5 */
	{
		struct rmm_pgrange r = { 2, 4 };
		struct rmm_plist vl;
		u32 o;
		bool any = false;

		rmm_plist_init(&vl);
		rmm_memview_punch(v, &r, &vl);
		rmm_memobj_free_victims(obj, &vl);
		for (o = 1; o < DEV_PAGES; o++)
			if (rmm_is_shadow(mm.swap->info[type]->cache[o]))
				any = true;
		ok(!any, "every slot freed: no shadow left");
		ok(clean(obj), "validate clean");
	}

	{
		struct rmm_plist vl;

		rmm_plist_init(&vl);
		rmm_memview_punch(v, &all, &vl);
		rmm_memobj_free_victims(obj, &vl);
	}
	rmm_memview_put(v);
	rmm_memobj_put(obj);
	is_long(rmm_swapoff(&mm, type, &cookie), 0, "swapoff");
}

/* the refault distance is taken at bucket_order granularity */
static void test_bucket(void)
{
	struct rmm_lruvec *lruvec = rmm_node_lruvec(&mm, 0);
	unsigned long ev;
	bool ws;
	int nid;
	u32 s;

	mm.lru->bucket_order = 2;
	rmm_atomic_long_set(&lruvec->nonresident_age, 1003);
	/* eviction reads the age, not a page: a fake, isolated-looking page */
	{
		struct rmm_page *pg = rmm_mm_alloc_pages(&mm, 0, 0, GFP);

		ext_of(pg)->flags = 0;
		s = rmm_workingset_eviction(&mm, pg);
		rmm_mm_free_pages(&mm, pg, 0);
	}
	rmm_unpack_shadow(s, &nid, &ev, &ws);
	is_long(ev, 1003 >> 2, "eviction stored as 1003 >> 2 = 250");
	is_long(age(), 1004, "aged to 1004");
	/*
	 * distance = 1004 - (250 << 2) = 4; workingset size here: the
	 * active anon list, 0 pages (no swap device either): 4 > 0
	 */
	ok(!rmm_workingset_test_recent(&mm, s, false, &ws), "distance 4 > 0: not recent");
	/* the same shadow with a distance of 0: recent even with size 0 */
	rmm_atomic_long_set(&lruvec->nonresident_age, 1000);
	ok(rmm_workingset_test_recent(&mm, s, false, &ws), "distance 0 <= 0: recent");
	mm.lru->bucket_order = 0;
}

int main(void)
{
	is_long(rmm_test_mm_simple(&mm, 1, 16384, 0x100000), 0, "instance");
	mm.ops = &test_ops;
	is_long(rmm_lru_init(&mm), 0, "LRU and page exts");
	is_long(rmm_swap_init(&mm), 0, "swap state");
	/*
	 * page-cluster 0: no swap readahead, so that each fault reads (and
	 * refaults) exactly its own page (readahead: test_memobj)
	 */
	is_long(rmm_set_tunable(&mm, RMM_TUNE_PAGE_CLUSTER, &(long){ 0 }, 1),
		0, "page-cluster 0");
	test_pack();
	test_bucket_order();
	test_distance();
	test_refault();
	test_bucket();
	is_long(rmm_swap_validate(&mm), 0, "swapfile.c's validator clean");
	rmm_swap_fini(&mm);
	rmm_lru_fini(&mm);
	is_long(rmm_mm_fini(&mm), 0, "fini: nothing left allocated");
	return done_testing();
}
