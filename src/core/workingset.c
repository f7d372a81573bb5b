// SPDX-License-Identifier: GPL-2.0
/*
 * workingset.c - refault detection (shadow entries, refault distance,
 * activation on refault) for the anonymous pages regionmm swaps, after
 * Debian 6.12.117's mm/workingset.c without MGLRU (6.1's does the same
 * arithmetic).  Format, formulas and what differs from the kernel:
 * workingset.h; Documentation/reclaim.rst, section "Refaults".
 *
 * Invariants: a shadow (rmm_is_shadow()) never equals RMM_NIL or a page
 * index; nonresident_age only grows (evictions, activations: here, in
 * vmscan.c's putback of active pages and in lru.c's mark_page_accessed()).
 *
 * Locking: none taken.  nonresident_age is an atomic; the list sizes and
 * node counters are read without lru_lock, as lruvec_page_state() reads
 * them.  Callers may hold a memobj view lock, obj->share_lock and the
 * swap locks (but not lru_lock: rmm_lru_note_cost_refault() takes it).
 */
#include "rmm_port.h"
#include "mmzone.h"
#include "memory_model.h"
#include "vmstat.h"
#include "lru.h"
#include "vmscan.h"
#include "swapfile.h"
#include "workingset.h"

u32 rmm_pack_shadow(int nid, unsigned long eviction, bool workingset)
{
	u32 v;

	v = (u32)(eviction & RMM_EVICTION_MASK);
	v = (v << RMM_WS_NODES_SHIFT) | (u32)nid;
	v = (v << RMM_WORKINGSET_SHIFT) | (workingset ? 1 : 0);
	return RMM_SHADOW_TAG | v;
}
RMM_EXPORT(rmm_pack_shadow);

void rmm_unpack_shadow(u32 shadow, int *nid, unsigned long *eviction,
		       bool *workingset)
{
	u32 entry = shadow & ~RMM_SHADOW_TAG_MASK;

	*workingset = entry & ((1U << RMM_WORKINGSET_SHIFT) - 1);
	entry >>= RMM_WORKINGSET_SHIFT;
	*nid = entry & ((1U << RMM_WS_NODES_SHIFT) - 1);
	entry >>= RMM_WS_NODES_SHIFT;
	*eviction = entry;
}
RMM_EXPORT(rmm_unpack_shadow);

unsigned int rmm_workingset_bucket_order(unsigned long totalram)
{
	unsigned int max_order;

	/* fls_long(totalram_pages() - 1) */
	max_order = totalram ? rmm_fls64((u64)totalram - 1) : 0;
	return max_order > RMM_EVICTION_BITS ? max_order - RMM_EVICTION_BITS :
		0;
}
RMM_EXPORT(rmm_workingset_bucket_order);

unsigned long rmm_workingset_size(const unsigned long *lru_sizes, bool file,
				  bool can_swap)
{
	unsigned long size = lru_sizes[RMM_LRU_ACTIVE_FILE];

	if (!file)
		size += lru_sizes[RMM_LRU_INACTIVE_FILE];
	if (can_swap) {
		size += lru_sizes[RMM_LRU_ACTIVE_ANON];
		if (file)
			size += lru_sizes[RMM_LRU_INACTIVE_ANON];
	}
	return size;
}
RMM_EXPORT(rmm_workingset_size);

void rmm_workingset_age_nonresident(struct rmm_lruvec *lruvec,
				    unsigned long nr_pages)
{
	/* one lruvec per node: no parent cgroups to age */
	rmm_atomic_long_add(nr_pages, &lruvec->nonresident_age);
}
RMM_EXPORT(rmm_workingset_age_nonresident);

u32 rmm_workingset_eviction(struct rmm_mm *mm, struct rmm_page *page)
{
	int nid = rmm_mm_page_nid(mm, page);
	struct rmm_lruvec *lruvec = rmm_node_lruvec(mm, nid);
	unsigned long eviction;
	bool workingset;

	/* the page is off the LRU (isolated), as VM_BUG_ON_FOLIO wants */
	RMM_WARN_ON_ONCE(RmmPageLru(page));
	workingset = READ_ONCE(rmm_page_ext(mm, page)->flags) &
		RMM_EXT_WORKINGSET;
	eviction = (unsigned long)rmm_atomic_long_read(&lruvec->nonresident_age);
	eviction >>= mm->lru->bucket_order;
	rmm_workingset_age_nonresident(lruvec, 1);
	return rmm_pack_shadow(nid, eviction, workingset);
}
RMM_EXPORT(rmm_workingset_eviction);

bool rmm_workingset_test_recent(struct rmm_mm *mm, u32 shadow, bool file,
				bool *workingset)
{
	unsigned long sizes[RMM_NR_LRU_LISTS];
	struct rmm_lruvec *lruvec;
	unsigned long eviction, refault;
	int nid, l;

	rmm_unpack_shadow(shadow, &nid, &eviction, workingset);
	if (RMM_WARN_ON_ONCE(nid >= RMM_MAX_NUMNODES))
		return false;
	eviction <<= mm->lru->bucket_order;
	lruvec = rmm_node_lruvec(mm, nid);
	refault = (unsigned long)rmm_atomic_long_read(&lruvec->nonresident_age);
	/* lruvec_page_state(eviction_lruvec, NR_*_{ANON,FILE}) */
	for (l = 0; l < RMM_NR_LRU_LISTS; l++)
		sizes[l] = rmm_node_page_state(&mm->nodes[nid],
					       RMM_NR_INACTIVE_ANON + l);
	return rmm_refault_distance(refault, eviction) <=
		rmm_workingset_size(sizes, file, rmm_can_swap(mm));
}
RMM_EXPORT(rmm_workingset_test_recent);

bool rmm_workingset_refault(struct rmm_mm *mm, struct rmm_page *page,
			    u32 shadow, bool *workingset)
{
	int nid = rmm_mm_page_nid(mm, page);
	struct rmm_node *node = &mm->nodes[nid];

	/* the refaulting page's lruvec gets the counts */
	rmm_mod_node_page_state(node, RMM_WORKINGSET_REFAULT_ANON, 1);
	if (!rmm_workingset_test_recent(mm, shadow, false, workingset)) {
		*workingset = false;
		return false;
	}
	rmm_workingset_age_nonresident(rmm_node_lruvec(mm, nid), 1);
	rmm_mod_node_page_state(node, RMM_WORKINGSET_ACTIVATE_ANON, 1);
	if (*workingset) {
		/* lru_note_cost_refault() (6.1: lru_note_cost_folio()) */
		rmm_lru_note_cost_refault(mm, page, false);
		rmm_mod_node_page_state(node, RMM_WORKINGSET_RESTORE_ANON, 1);
	}
	return true;
}
RMM_EXPORT(rmm_workingset_refault);

void rmm_workingset_activation(struct rmm_mm *mm, struct rmm_page *page)
{
	rmm_workingset_age_nonresident(rmm_node_lruvec(mm,
					rmm_mm_page_nid(mm, page)), 1);
}
RMM_EXPORT(rmm_workingset_activation);
