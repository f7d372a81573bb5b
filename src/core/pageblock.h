/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pageblock.h - pageblock lookups and the pageblock fullness index
 * (pageblock.c), core only.
 *
 * The index: every pageblock of a zone with free blocks below
 * pageblock_order (pb->mask != 0) is on exactly one list
 * zone->partial[pb->mt].head[pb->key], key = fullness bucket *
 * RMM_PB_ORDERS + largest free order (pb_key()); bit key of
 * zone->partial[mt].bitmap is set iff that list is non-empty.  A
 * pageblock with no such block has key RMM_PB_NOKEY and is on no list.
 * The only exception is a batch of frees (struct pb_batch) under one
 * zone->lock hold: its pageblocks are re-keyed by pb_batch_flush() before
 * the lock is dropped.
 *
 * The index operations are static inline here: the free-list primitives of
 * page_alloc.c call them on every add and delete, the order-0 paths
 * included.
 *
 * Locking: zone->lock for everything that touches a zone's pageblocks
 * (lock order: irq-off -> zone->lock).
 */
#ifndef _RMM_PAGEBLOCK_H
#define _RMM_PAGEBLOCK_H

#include "memory_model.h"

static inline struct rmm_pageblock *rmm_pb_of_idx(const struct rmm_mm *mm,
						  u32 idx)
{
	return &mm->sections[idx >> RMM_SECTION_ORDER]
		.pb[(idx >> RMM_PAGEBLOCK_ORDER) & (RMM_PB_PER_SECTION - 1)];
}

/*
 * @page's pageblock and, in *@idx, its index (rmm_mm_page_idx()), from one
 * section lookup
 */
static inline struct rmm_pageblock *rmm_page_pb(const struct rmm_mm *mm,
						const struct rmm_page *page,
						u32 *idx)
{
	u32 sec = rmm_page_section(page);
	const struct rmm_mem_section *ms = &mm->sections[sec];
	u32 off = page - ms->memmap;

	*idx = (sec << RMM_SECTION_ORDER) | off;
	return &ms->pb[off >> RMM_PAGEBLOCK_ORDER];
}

/* pageblock number (idx >> pageblock_order) -> pageblock */
static inline struct rmm_pageblock *rmm_pb_nr(const struct rmm_mm *mm, u32 n)
{
	return &mm->sections[n >> (RMM_SECTION_ORDER - RMM_PAGEBLOCK_ORDER)]
		.pb[n & (RMM_PB_PER_SECTION - 1)];
}

/* migratetype of @page's pageblock (get_pageblock_migratetype()) */
static inline int rmm_pageblock_mt(const struct rmm_mm *mm,
				   const struct rmm_page *page)
{
	const struct rmm_mem_section *ms = &mm->sections[rmm_page_section(page)];

	return ms->pb[(page - ms->memmap) >> RMM_PAGEBLOCK_ORDER].mt;
}

/* one bit per fullness bucket: bits 0, 9, 18, ... 54 */
#define PB_KEY_E	0x0040201008040201ULL

/* keys whose largest free order is exactly @o */
static inline u64 keys_eq(unsigned int o)
{
	return PB_KEY_E << o;
}

/* keys whose largest free order is >= @o (groups of 9 bits never carry) */
static inline u64 keys_ge(unsigned int o)
{
	return PB_KEY_E * ((1ULL << RMM_PB_ORDERS) - (1ULL << o));
}

static inline unsigned int pb_key(const struct rmm_pageblock *pb)
{
	unsigned int bucket;

	if (!pb->mask)
		return RMM_PB_NOKEY;
	bucket = pb->nr_free * RMM_PB_BUCKETS / RMM_PAGEBLOCK_NR_PAGES;
	return bucket * RMM_PB_ORDERS + rmm_fls(pb->mask) - 1;
}

static inline void pb_unlink(struct rmm_zone *zone, struct rmm_pageblock *pb)
{
	const struct rmm_mm *mm = zone->mm;
	struct rmm_partial *pt = &zone->partial[pb->mt];
	unsigned int key = pb->key;

	if (pb->prev == RMM_NIL)
		pt->head[key] = pb->next;
	else
		rmm_pb_nr(mm, pb->prev)->next = pb->next;
	if (pb->next != RMM_NIL)
		rmm_pb_nr(mm, pb->next)->prev = pb->prev;
	if (pt->head[key] == RMM_NIL)
		pt->bitmap &= ~(1ULL << key);
	pb->key = RMM_PB_NOKEY;
	pb->next = pb->prev = RMM_NIL;
}

static inline void pb_link(struct rmm_zone *zone, struct rmm_pageblock *pb,
			   u32 pbn, unsigned int key)
{
	struct rmm_partial *pt = &zone->partial[pb->mt];

	pb->prev = RMM_NIL;
	pb->next = pt->head[key];
	if (pb->next != RMM_NIL)
		rmm_pb_nr(zone->mm, pb->next)->prev = pbn;
	pt->head[key] = pbn;
	pt->bitmap |= 1ULL << key;
	pb->key = key;
}

static inline void pb_update(struct rmm_zone *zone, struct rmm_pageblock *pb,
			     u32 pbn)
{
	unsigned int key = pb_key(pb);

	if (key == pb->key)
		return;
	if (pb->key != RMM_PB_NOKEY)
		pb_unlink(zone, pb);
	if (key != RMM_PB_NOKEY)
		pb_link(zone, pb, pbn, key);
}

/*
 * Batched index updates for a run of frees under one zone->lock hold
 * (free_pcppages_bulk(), flush_sparse()): a pageblock a free lands in is
 * only marked dirty, and its key is computed and its place in the index
 * updated once when the batch ends (or the small array fills), instead of
 * after every free that lands in it (a run of frees mostly lands in a few
 * pageblocks: the dirty test is all they cost).  Nothing reads the index
 * during the run: freeing never consults
 * it, and rmm_pb_set_mt_locked() (merges across types) unlinks by the
 * stored key and re-keys from the current state.  The lock is dropped
 * only after pb_batch_flush(), so the index is exact for everyone else.
 */
#define RMM_PB_BATCH	32

struct pb_batch {
	unsigned int n;
	u32 pbn[RMM_PB_BATCH];
};

void pb_batch_flush(struct rmm_zone *zone, struct pb_batch *b);

static inline void pb_batch_add(struct rmm_zone *zone, struct pb_batch *b,
				struct rmm_pageblock *pb, u32 pbn)
{
	if (pb->dirty)
		return;
	if (b->n == RMM_PB_BATCH)
		pb_batch_flush(zone, b);
	pb->dirty = 1;
	b->pbn[b->n++] = pbn;
}

void change_pageblock_range(struct rmm_zone *zone, u32 idx,
			    unsigned int order, int mt);
void rmm_pb_set_mt_locked(struct rmm_zone *zone, u32 pbn, int mt);
/* which pageblock find_block_exact() takes its block from */
enum pb_pick {
	PB_PICK_FULLEST,	/* single-page steals: pollute few pageblocks */
	PB_PICK_EMPTIEST,	/* block claiming: most free pages to claim */
};

u32 find_block_exact(struct rmm_zone *zone, unsigned int o, int mt,
		     enum pb_pick pick);

#endif /* _RMM_PAGEBLOCK_H */
