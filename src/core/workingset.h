/* SPDX-License-Identifier: GPL-2.0 */
/*
 * workingset.h - refault detection for swapped-out anonymous pages
 * (workingset.c): the classic (non-MGLRU) mm/workingset.c of Debian
 * 6.12.117, the same arithmetic as 6.1's.
 *
 * Every node's lruvec keeps nonresident_age, a counter of evictions and
 * activations.  When reclaim takes a page out of the swap cache after its
 * write (__remove_mapping() -> workingset_eviction()), a shadow entry
 * takes the page's place in the swap cache's per-slot array: the node,
 * nonresident_age >> bucket_order at that moment and the page's
 * PG_workingset.  When the slot is read back (workingset_refault()), the
 * refault distance is
 *     (nonresident_age now - (eviction << bucket_order)) & EVICTION_MASK
 * and the page is activated (put on the active list) if the distance is
 * at most the workingset size of the eviction node:
 *     NR_ACTIVE_FILE + NR_INACTIVE_FILE (anon refault)
 *     + NR_ACTIVE_ANON if a swap slot is free (get_nr_swap_pages() > 0)
 *     (a file refault: NR_ACTIVE_FILE, + both anon lists with free swap).
 *
 * Shadow format.  The swap cache slot array holds u32: a page index
 * (< 2^28, bits 31:30 = 00), RMM_NIL (bits 31:30 = 11) or a shadow
 * (bits 31:30 = 10):
 *     bit 31..30  10                    (the kernel's xa_mk_value tag)
 *     bit 29..4   eviction (26 bits)    EVICTION_MASK = 2^26 - 1
 *     bit  3..1   node id               NODES_SHIFT = 3 (8 nodes)
 *     bit  0      workingset
 * There is no memcg id (regionmm has no memory cgroups).  The kernel
 * keeps 36 timestamp bits on x86-64 (64 - 1 - 1 - 10 - 16); here 26, so
 * bucket_order = max(0, fls_long(totalram - 1) - 26) with totalram the
 * instance's managed pages (workingset_init()), 0 below 256 GiB.
 *
 * Locking: nonresident_age is an atomic; the node stat counters are
 * read without a lock (lruvec_page_state()).  Nothing here takes a lock;
 * the callers hold what the swap cache needs (swapfile.h).
 */
#ifndef _RMM_WORKINGSET_H
#define _RMM_WORKINGSET_H

#include "rmm_port.h"
#include "mmzone.h"
#include "lru.h"

#define RMM_SHADOW_TAG_MASK	0xc0000000U
#define RMM_SHADOW_TAG		0x80000000U
#define RMM_WORKINGSET_SHIFT	1
#define RMM_WS_NODES_SHIFT	3
#define RMM_EVICTION_SHIFT	(2 + RMM_WORKINGSET_SHIFT + RMM_WS_NODES_SHIFT)
#define RMM_EVICTION_BITS	(32 - RMM_EVICTION_SHIFT)
#define RMM_EVICTION_MASK	(~0U >> RMM_EVICTION_SHIFT)

_Static_assert((1 << RMM_WS_NODES_SHIFT) >= RMM_MAX_NUMNODES,
	       "shadow node bits");

/* a shadow entry (not a page index, not RMM_NIL) */
static inline bool rmm_is_shadow(u32 v)
{
	return (v & RMM_SHADOW_TAG_MASK) == RMM_SHADOW_TAG;
}

/* pack_shadow()/unpack_shadow(); @eviction is masked to 26 bits */
u32 rmm_pack_shadow(int nid, unsigned long eviction, bool workingset);
void rmm_unpack_shadow(u32 shadow, int *nid, unsigned long *eviction,
		       bool *workingset);

/* workingset_init(): bucket_order for an instance of @totalram pages */
unsigned int rmm_workingset_bucket_order(unsigned long totalram);

/* (refault - eviction) & EVICTION_MASK, @eviction already shifted back */
static inline unsigned long rmm_refault_distance(unsigned long refault,
						 unsigned long eviction)
{
	return (refault - eviction) & RMM_EVICTION_MASK;
}

/*
 * workingset_test_recent()'s workingset size from the four LRU sizes
 * (indexed by enum rmm_lru_list) and whether a swap slot is free
 */
unsigned long rmm_workingset_size(const unsigned long *lru_sizes, bool file,
				  bool can_swap);

/* workingset_age_nonresident() */
void rmm_workingset_age_nonresident(struct rmm_lruvec *lruvec,
				    unsigned long nr_pages);

/*
 * workingset_eviction(): the shadow for @page (isolated, leaving the swap
 * cache after its write); ages its node's nonresident_age by one page.
 */
u32 rmm_workingset_eviction(struct rmm_mm *mm, struct rmm_page *page);

/*
 * workingset_test_recent(): was the page of @shadow evicted recently
 * enough that it would have stayed resident with all of memory for the
 * workingset?  *workingset: the shadow's workingset bit.
 */
bool rmm_workingset_test_recent(struct rmm_mm *mm, u32 shadow, bool file,
				bool *workingset);

/*
 * workingset_refault() for @page (anon, just read from the slot of
 * @shadow, not on the LRU yet): counts workingset_refault_anon; true if
 * the page is to be activated (then nonresident_age is aged and
 * workingset_activate_anon counted); *workingset then says the page was
 * active before its eviction: the caller sets its RMM_EXT_WORKINGSET
 * (workingset_restore_anon and lru_note_cost_refault() are done here).
 */
bool rmm_workingset_refault(struct rmm_mm *mm, struct rmm_page *page,
			    u32 shadow, bool *workingset);

/* workingset_activation(): @page was activated (folio_mark_accessed()) */
void rmm_workingset_activation(struct rmm_mm *mm, struct rmm_page *page);

#endif /* _RMM_WORKINGSET_H */
