// SPDX-License-Identifier: GPL-2.0
/*
 * test_lru.c - lru.c: the per-node lists and their counters (node
 * NR_*_ANON, zone NR_ZONE_*_ANON, NR_ISOLATED_ANON), isolation from the
 * tail with the owner's pin(), putback to the head, pages released while
 * isolated (orphans), rmm_lru_isolated_done(), rmm_lru_release() and
 * mark_page_accessed()'s transitions (mm/swap.c's folio_mark_accessed():
 * inactive,unreferenced -> inactive,referenced -> active,unreferenced ->
 * active,referenced), and rmm_lru_validate() noticing a broken counter.
 */
#include "rmm_test.h"
#include "lru.h"

#define NODE_PAGES	8192
#define NPAGES		8

static struct rmm_mm mm;
static struct rmm_page *pg[NPAGES];
static int owner_obj;			/* what ext->owner points at */
static struct rmm_page *refuse;		/* pin() refuses this page */
static unsigned long pins;

static bool fake_pin(struct rmm_mm *m, struct rmm_page *page)
{
	if (page == refuse)
		return false;
	pins++;
	return true;
}

static const struct rmm_lru_owner_ops fake_owner = {
	.pin = fake_pin,
};

static long node_stat(enum rmm_node_stat_item i)
{
	return rmm_node_page_state(&mm.nodes[0], i);
}

static long zone_stat(struct rmm_page *page, enum rmm_zone_stat_item i)
{
	return rmm_zone_page_state(rmm_mm_page_zone(&mm, page), i);
}

static unsigned long nr_list(enum rmm_lru_list l)
{
	return rmm_lruvec_size(rmm_node_lruvec(&mm, 0), l);
}

/* position of @page on list @l from the head, -1 if absent */
static int pos_on(enum rmm_lru_list l, struct rmm_page *page)
{
	struct rmm_page *p;
	int i = 0;

	rmm_plist_for_each(&mm, p, &rmm_node_lruvec(&mm, 0)->lists[l]) {
		if (p == page)
			return i;
		i++;
	}
	return -1;
}

static void test_add(void)
{
	struct rmm_page *z;
	int i;

	for (i = 0; i < NPAGES; i++) {
		pg[i] = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_KERNEL);
		rmm_page_ext(&mm, pg[i])->owner = &owner_obj;
		rmm_page_ext(&mm, pg[i])->index = i;
	}
	for (i = 0; i < 6; i++)
		rmm_lru_add(&mm, pg[i], false);
	rmm_lru_add(&mm, pg[6], true);
	rmm_lru_add(&mm, pg[7], true);
	z = pg[0];
	is_long(nr_list(RMM_LRU_INACTIVE_ANON), 6, "six pages on inactive anon");
	is_long(nr_list(RMM_LRU_ACTIVE_ANON), 2, "two on active anon");
	is_long(node_stat(RMM_NR_INACTIVE_ANON), 6, "node NR_INACTIVE_ANON 6");
	is_long(node_stat(RMM_NR_ACTIVE_ANON), 2, "node NR_ACTIVE_ANON 2");
	is_long(zone_stat(z, RMM_NR_ZONE_INACTIVE_ANON), 6,
		"zone NR_ZONE_INACTIVE_ANON 6");
	is_long(zone_stat(z, RMM_NR_ZONE_ACTIVE_ANON), 2,
		"zone NR_ZONE_ACTIVE_ANON 2");
	ok(RmmPageLru(pg[0]) && RmmPageSwapbacked(pg[0]) &&
	   !RmmPageActive(pg[0]) && RmmPageActive(pg[6]),
	   "PG_lru and PG_swapbacked set, PG_active as asked");
	is_long(pos_on(RMM_LRU_INACTIVE_ANON, pg[5]), 0,
		"the newest page is at the head (folio_add_lru)");
	is_long(pos_on(RMM_LRU_INACTIVE_ANON, pg[0]), 5,
		"the oldest at the tail");
	is_long(rmm_lru_validate(&mm), 0, "rmm_lru_validate: all consistent");
	ok(rmm_lru_metadata_bytes(&mm) >= sizeof(struct rmm_lru_state) +
	   RMM_PAGES_PER_SECTION * sizeof(struct rmm_page_ext),
	   "metadata counts the lruvecs and at least one section's exts");
}

static void test_isolate_putback(void)
{
	struct rmm_lruvec *lruvec = rmm_node_lruvec(&mm, 0);
	unsigned long taken = 0, scanned;
	struct rmm_plist dst, free;

	rmm_plist_init(&dst);
	rmm_plist_init(&free);
	/* the tail is pg[0], pg[1], pg[2]; pg[1]'s owner is going away */
	refuse = pg[1];
	pins = 0;
	scanned = rmm_lru_isolate(&mm, lruvec, RMM_LRU_INACTIVE_ANON, 3, &dst,
				  &taken);
	refuse = NULL;
	is_long(scanned, 3, "isolate scanned 3 pages from the tail");
	is_long(taken, 2, "took the two whose owner pinned them");
	is_long(pins, 2, "pin() succeeded twice");
	ok(dst.first == pg[0] && dst.last == pg[2],
	   "taken in tail order: pg0 then pg2");
	is_long(pos_on(RMM_LRU_INACTIVE_ANON, pg[1]), 0,
		"the refused page rotated to the head");
	is_long(nr_list(RMM_LRU_INACTIVE_ANON), 4, "four left on the list");
	is_long(node_stat(RMM_NR_INACTIVE_ANON), 4, "node counter follows");
	is_long(zone_stat(pg[0], RMM_NR_ZONE_INACTIVE_ANON), 4,
		"zone counter follows");
	is_long(node_stat(RMM_NR_ISOLATED_ANON), 2, "NR_ISOLATED_ANON 2");
	ok(!RmmPageLru(pg[0]) &&
	   (rmm_page_ext(&mm, pg[0])->flags & RMM_EXT_ISOLATED),
	   "isolated: PG_lru clear, RMM_EXT_ISOLATED set");
	is_long(rmm_lru_validate(&mm), 0, "validate with pages isolated");

	/* the owner lets go of pg[2] while it is isolated */
	ok(!rmm_lru_release(&mm, pg[2]),
	   "release of an isolated page: not the caller's to free");
	ok(rmm_page_ext(&mm, pg[2])->flags & RMM_EXT_ORPHAN,
	   "it became an orphan");
	/* pg[0] is to be activated */
	RmmSetPageActive(pg[0]);
	rmm_lru_putback(&mm, lruvec, &dst, &free);
	is_long(free.nr, 1, "putback hands the orphan back for freeing");
	ok(free.first == pg[2] && !rmm_page_ext(&mm, pg[2])->owner &&
	   !rmm_page_ext(&mm, pg[2])->flags && !RmmPageSwapbacked(pg[2]),
	   "the orphan's owner state is cleared");
	is_long(pos_on(RMM_LRU_ACTIVE_ANON, pg[0]), 0,
		"pg0 went back to the head of the list its PG_active says");
	is_long(node_stat(RMM_NR_ISOLATED_ANON), 0, "NR_ISOLATED_ANON back to 0");
	is_long(node_stat(RMM_NR_ACTIVE_ANON), 3, "NR_ACTIVE_ANON 3");
	is_long(rmm_lru_validate(&mm), 0, "validate after putback");
	rmm_mm_free_pages(&mm, rmm_plist_pop(&mm, &free), 0);
	pg[2] = NULL;
}

static void test_isolated_done_release(void)
{
	struct rmm_lruvec *lruvec = rmm_node_lruvec(&mm, 0);
	unsigned long taken = 0;
	struct rmm_plist dst;
	struct rmm_page *p;

	rmm_plist_init(&dst);
	rmm_lru_isolate(&mm, lruvec, RMM_LRU_INACTIVE_ANON, 1, &dst, &taken);
	p = dst.first;
	ok(taken == 1 && p == pg[3], "the tail is now pg3");
	rmm_plist_pop(&mm, &dst);
	rmm_lru_isolated_done(&mm, p);
	ok(!rmm_page_ext(&mm, p)->owner && !rmm_page_ext(&mm, p)->flags,
	   "isolated_done clears the owner state");
	is_long(node_stat(RMM_NR_ISOLATED_ANON), 0,
		"and the isolated count");
	rmm_mm_free_pages(&mm, p, 0);
	pg[3] = NULL;

	ok(rmm_lru_release(&mm, pg[4]), "release of a listed page: caller frees");
	ok(!RmmPageLru(pg[4]) && !rmm_page_ext(&mm, pg[4])->owner,
	   "it is off the list, owner state cleared");
	is_long(node_stat(RMM_NR_INACTIVE_ANON), 2,
		"NR_INACTIVE_ANON 2 (pg1, pg5)");
	rmm_mm_free_pages(&mm, pg[4], 0);
	pg[4] = NULL;
	is_long(rmm_lru_validate(&mm), 0, "validate after release");
}

static void test_mark_accessed(void)
{
	struct rmm_lruvec *lruvec = rmm_node_lruvec(&mm, 0);
	unsigned long act0 = rmm_vm_event_state(&mm, RMM_PGACTIVATE);
	unsigned long taken = 0;
	struct rmm_plist dst, free;

	ok(!RmmPageReferenced(pg[5]) && !RmmPageActive(pg[5]),
	   "pg5: inactive, unreferenced");
	rmm_mark_page_accessed(&mm, pg[5]);
	ok(RmmPageReferenced(pg[5]) && !RmmPageActive(pg[5]),
	   "one access: inactive, referenced");
	rmm_mark_page_accessed(&mm, pg[5]);
	ok(!RmmPageReferenced(pg[5]) && RmmPageActive(pg[5]) &&
	   pos_on(RMM_LRU_ACTIVE_ANON, pg[5]) == 0,
	   "two: active, unreferenced, at the head of the active list");
	is_long(rmm_vm_event_state(&mm, RMM_PGACTIVATE) - act0, 1,
		"pgactivate counted once");
	rmm_mark_page_accessed(&mm, pg[5]);
	ok(RmmPageReferenced(pg[5]) && RmmPageActive(pg[5]),
	   "three: active, referenced");
	rmm_mark_page_accessed(&mm, pg[5]);
	ok(RmmPageReferenced(pg[5]) && RmmPageActive(pg[5]),
	   "four: stays active, referenced");
	is_long(rmm_vm_event_state(&mm, RMM_PGACTIVATE) - act0, 1,
		"no more activations");

	/* an isolated page only gets PG_referenced, then stays off-list */
	rmm_plist_init(&dst);
	rmm_plist_init(&free);
	rmm_lru_isolate(&mm, lruvec, RMM_LRU_INACTIVE_ANON, 1, &dst, &taken);
	ok(taken == 1 && dst.first == pg[1], "pg1 isolated");
	rmm_mark_page_accessed(&mm, pg[1]);
	rmm_mark_page_accessed(&mm, pg[1]);
	ok(RmmPageReferenced(pg[1]) && !RmmPageActive(pg[1]) &&
	   !RmmPageLru(pg[1]),
	   "an isolated page accessed twice: referenced, not activated");
	rmm_lru_putback(&mm, lruvec, &dst, &free);
	is_long(pos_on(RMM_LRU_INACTIVE_ANON, pg[1]), 0, "put back inactive");
	is_long(rmm_lru_validate(&mm), 0, "validate after the accesses");
}

static void test_validate_catches(void)
{
	struct rmm_zone *zone = rmm_mm_page_zone(&mm, pg[0]);

	rmm_port_quiet = 1;
	rmm_mod_zone_page_state(zone, RMM_NR_ZONE_ACTIVE_ANON, 1);
	ok(rmm_lru_validate(&mm) > 0, "a zone counter off by one is reported");
	rmm_mod_zone_page_state(zone, RMM_NR_ZONE_ACTIVE_ANON, -1);
	RmmClearPageActive(pg[0]);	/* on the active list, flag says not */
	ok(rmm_lru_validate(&mm) > 0, "a page on the wrong list is reported");
	ok(rmm_validate_mm(&mm) != 0,
	   "rmm_validate_mm() reports it too (it runs rmm_lru_validate())");
	RmmSetPageActive(pg[0]);
	rmm_port_quiet = 0;
	is_long(rmm_lru_validate(&mm), 0, "consistent again");
	is_long(rmm_validate_mm(&mm), 0, "rmm_validate_mm() clean again");
}

int main(void)
{
	int i;

	if (rmm_test_mm_simple(&mm, 1, NODE_PAGES, 0x100000)) {
		printf("1..0 # SKIP instance init failed\n");
		return 1;
	}
	is_long(rmm_lru_init(&mm), 0, "rmm_lru_init");
	rmm_lru_set_owner_ops(&mm, &fake_owner);
	test_add();
	test_isolate_putback();
	test_isolated_done_release();
	test_mark_accessed();
	test_validate_catches();

	for (i = 0; i < NPAGES; i++) {
		if (!pg[i])
			continue;
		ok(rmm_lru_release(&mm, pg[i]), "release page %d", i);
		rmm_mm_free_pages(&mm, pg[i], 0);
	}
	for (i = 0; i < RMM_NR_LRU_LISTS; i++)
		is_long(nr_list(i), 0, "list %d empty at the end", i);
	rmm_lru_fini(&mm);
	ok(!mm.lru, "rmm_lru_fini clears mm->lru");
	is_long(rmm_validate_mm(&mm), 0, "allocator consistent");
	is_long(rmm_mm_fini(&mm), 0, "fini");
	return done_testing();
}
