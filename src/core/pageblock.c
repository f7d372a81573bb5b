// SPDX-License-Identifier: GPL-2.0
/*
 * pageblock.c - pageblocks: migratetype changes (set_pageblock_migratetype
 * with move_freepages_block) and the out-of-line side of the pageblock
 * fullness index declared in pageblock.h (batched re-keying, the exact-order
 * lookup of the fallback paths).
 *
 * Invariants: free-list membership matches the pageblock type (every free
 * block below pageblock_order is on pb->free[] of a pageblock whose mt is
 * the block's type; a block of >= pageblock_order is on
 * free_area[].free_list[mt] with every pageblock it covers of type mt);
 * zone->nr_pageblocks_mt[] counts the zone's pageblocks per type; the
 * index rules are in pageblock.h.  rmm_validate_zone() checks them.
 *
 * Locking: every function here runs under zone->lock (asserted where it
 * matters), which callers take with irqs off or from process context;
 * lock order irq-off -> zone->lock, tunables_lock -> zone->lock.
 */
#include "internal.h"

void change_pageblock_range(struct rmm_zone *zone, u32 idx,
			    unsigned int order, int mt)
{
	u32 pbn = idx >> RMM_PAGEBLOCK_ORDER;
	u32 n = order >= RMM_PAGEBLOCK_ORDER ?
		1U << (order - RMM_PAGEBLOCK_ORDER) : 1;

	for (; n; n--, pbn++)
		rmm_pb_set_mt_locked(zone, pbn, mt);
}

void pb_batch_flush(struct rmm_zone *zone, struct pb_batch *b)
{
	unsigned int i;

	for (i = 0; i < b->n; i++) {
		struct rmm_pageblock *pb = rmm_pb_nr(zone->mm, b->pbn[i]);

		pb->dirty = 0;
		pb_update(zone, pb, b->pbn[i]);
	}
	b->n = 0;
}

/*
 * rmm_pb_set_mt_locked - set the migratetype of pageblock @pbn, moving its
 * free pages to the new type (move_freepages_block / set_pageblock_
 * migratetype).  A whole-free pageblock inside an order-10 block is split
 * first so that free-list membership always matches the pageblock type.
 */
void rmm_pb_set_mt_locked(struct rmm_zone *zone, u32 pbn, int mt)
{
	const struct rmm_mm *mm = zone->mm;
	struct rmm_pageblock *pb = rmm_pb_nr(mm, pbn);
	int old = pb->mt;
	u32 idx = pbn << RMM_PAGEBLOCK_ORDER;
	unsigned int o;

	rmm_assert_held(&zone->lock);
	if (old == mt)
		return;

	if (pb->nr_free == RMM_PAGEBLOCK_NR_PAGES) {
		/* covered by one free block of order >= pageblock_order */
		u32 bidx = idx & ~(u32)(RMM_PAGES_PER_SECTION - 1);
		struct rmm_page *page = rmm_mm_idx_to_page(mm, idx);

		if (!RmmPageBuddy(page)) {
			/* inside an order-10 block starting at bidx: split */
			struct rmm_page *head = rmm_mm_idx_to_page(mm, bidx);

			RMM_BUG_ON(!RmmPageBuddy(head) ||
				   head->private != RMM_MAX_ORDER);
			del_from_free_list(zone, head, bidx, RMM_MAX_ORDER, old);
			add_to_free_list(zone, head, bidx, RMM_PAGEBLOCK_ORDER,
					 old);
			add_to_free_list(zone, head + RMM_PAGEBLOCK_NR_PAGES,
					 bidx + RMM_PAGEBLOCK_NR_PAGES,
					 RMM_PAGEBLOCK_ORDER, old);
		} else if (page->private > RMM_PAGEBLOCK_ORDER) {
			del_from_free_list(zone, page, idx, page->private, old);
			add_to_free_list(zone, page, idx, RMM_PAGEBLOCK_ORDER,
					 old);
			add_to_free_list(zone, page + RMM_PAGEBLOCK_NR_PAGES,
					 idx + RMM_PAGEBLOCK_NR_PAGES,
					 RMM_PAGEBLOCK_ORDER, old);
		}
		del_from_free_list(zone, page, idx, RMM_PAGEBLOCK_ORDER, old);
		zone->nr_pageblocks_mt[old]--;
		zone->nr_pageblocks_mt[mt]++;
		pb->mt = mt;
		add_to_free_list(zone, page, idx, RMM_PAGEBLOCK_ORDER, mt);
		return;
	}

	if (pb->key != RMM_PB_NOKEY)
		pb_unlink(zone, pb);
	for (o = 0; o < RMM_PB_ORDERS; o++) {
		u32 i = pb->free[o];
		long n = 0;

		while (i != RMM_NIL) {
			n++;
			i = rmm_mm_idx_to_page(mm, i)->next;
		}
		zone->free_area[o].nr_free_mt[old] -= n;
		zone->free_area[o].nr_free_mt[mt] += n;
		account_freepages_move(zone, n << o, old, mt);
	}
	zone->nr_pageblocks_mt[old]--;
	zone->nr_pageblocks_mt[mt]++;
	pb->mt = mt;
	pb_update(zone, pb, pbn);
	zone->free_seq++;
}

/*
 * A free block of exactly order @o and type @mt (its count is non-zero),
 * below pageblock order from the pageblock @pick says: the one with most
 * free pages (block claiming) or the fullest one (single-page steals
 * pollute as little as possible).
 */
u32 find_block_exact(struct rmm_zone *zone, unsigned int o, int mt,
		     enum pb_pick pick)
{
	struct rmm_partial *pt = &zone->partial[mt];
	u64 bits;

	if (o >= RMM_PAGEBLOCK_ORDER) {
		struct rmm_page *page = zone->free_area[o].free_list[mt].first;

		return page ? rmm_mm_page_idx(zone->mm, page) : RMM_NIL;
	}
	bits = pt->bitmap & keys_eq(o);
	if (bits) {
		unsigned int key = pick == PB_PICK_EMPTIEST ?
			rmm_fls64(bits) - 1 : rmm_ffs64(bits) - 1;

		return rmm_pb_nr(zone->mm, pt->head[key])->free[o];
	}
	bits = pt->bitmap & keys_ge(o + 1);
	while (bits) {
		unsigned int key = rmm_ffs64(bits) - 1;
		u32 n = pt->head[key];

		bits &= bits - 1;
		while (n != RMM_NIL) {
			struct rmm_pageblock *pb = rmm_pb_nr(zone->mm, n);

			if (pb->mask & (1U << o))
				return pb->free[o];
			n = pb->next;
		}
	}
	return RMM_NIL;
}

