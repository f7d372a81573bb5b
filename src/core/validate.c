// SPDX-License-Identifier: GPL-2.0
/*
 * validate.c - check every invariant of the allocator (mmzone.h) and
 * report what is broken.  Used by host tests/fuzzers after every step and
 * by RMM_IOC_VALIDATE in the guest.
 *
 * Checked per populated zone, in steps, each under zone->lock:
 *   - one step per free_area[o].free_list[mt] (o >= pageblock_order): each
 *     block is PG_buddy, private == o, aligned, in this zone, every
 *     pageblock it covers has type mt and nr_free == pageblock_nr_pages,
 *     and the list holds l->nr entries;
 *   - one step per VALIDATE_STEP_SECTIONS sections: each pageblock's free[o]
 *     lists hold PG_buddy blocks of order o inside it; mask, nr_free and
 *     key agree with them; no page is both PG_buddy and PG_pcp;
 *   - one step per migratetype of the partial index: a listed pageblock is
 *     on zone->partial[pb->mt] under its key and the bitmap matches the
 *     heads;
 *   - in every step: no free block could merge with its buddy (eager
 *     merging).
 * Zone-wide sums, checked at the end if the zone did not change during
 * the walk (zone->free_seq, bumped by every free-list change, is the same
 * as at its start), else the walk is repeated, up to VALIDATE_TRIES times:
 *   - nr_free_mt[o][mt] and nr_free equal what the lists hold;
 *     NR_FREE_PAGES == sum of free pages outside MIGRATE_ISOLATE;
 *     nr_free_highatomic == free pages in MIGRATE_HIGHATOMIC blocks;
 *   - the number of PG_buddy descriptors equals the number of free blocks;
 *   - every keyed pageblock is on the partial index.
 * With lru.c set up (mm->lru), rmm_lru_validate() checks the LRU lists
 * and their node and zone counters (lru.h) after the zones.
 * Always, in the last step: nr_pageblocks_mt[] adds up to the zone's
 * pageblocks.  A zone that changes during every try gets its local checks
 * only (a debug line says so): nothing it reports is an artefact of
 * concurrent allocation.
 * Per CPU (run on that CPU with rmm_on_each_cpu, so without races):
 *   - pcp lists hold PG_pcp pages of this zone, list counts match, and
 *     pcp->count == sum of pages on its lists; same for the sparse list
 *     and pcp->sparse_count.  Each CPU counts its errors in its own
 *     context and adds them to an atomic total, read after
 *     rmm_on_each_cpu() has returned (it waits for every CPU).
 *
 * Time with the lock held and interrupts off is bounded by a step, as in
 * the kernel's pagetypeinfo_showfree_print(): the lock is dropped and
 * rmm_cond_resched() called between steps.
 *
 * Locking: takes each zone->lock in turn, step by step; must be called
 * from process context (it may sleep), never with a zone lock held.
 */
#include "internal.h"
#include "lru.h"

#define MAX_REPORTS		10
#define VALIDATE_STEP_SECTIONS	8	/* sections (4 MiB each) per hold */
#define VALIDATE_TRIES		3

struct vctx {
	struct rmm_mm *mm;
	long errors;
};

/* zone-wide sums of one walk */
struct zsum {
	unsigned long cnt[RMM_NR_ORDERS][RMM_MIGRATE_TYPES];
	unsigned long nblocks, nbuddy, npb;
	long listed;		/* keyed pageblocks minus those indexed */
	long free_pages, free_cma;
};

#define verr(v, fmt, ...) do {						\
	if ((v)->errors++ < MAX_REPORTS)				\
		rmm_pr_err("validate: " fmt "\n", ##__VA_ARGS__);	\
} while (0)

static bool buddy_could_merge(struct rmm_zone *zone, u32 idx, unsigned int o,
			      int mt)
{
	const struct rmm_mm *mm = zone->mm;
	const struct rmm_mem_section *ms;
	struct rmm_page *b;
	u32 bidx;
	int bmt;

	if (o >= RMM_MAX_ORDER)
		return false;
	bidx = idx ^ (1U << o);
	if ((bidx >> RMM_SECTION_ORDER) >= mm->nr_sections)
		return false;
	ms = &mm->sections[bidx >> RMM_SECTION_ORDER];
	if (!ms->memmap || ms->zone != zone)
		return false;
	b = ms->memmap + (bidx & (RMM_PAGES_PER_SECTION - 1));
	if (!RmmPageBuddy(b) || b->private != o)
		return false;
	if (o >= RMM_PAGEBLOCK_ORDER) {
		bmt = rmm_pb_of_idx(mm, bidx)->mt;
		if (bmt != mt && (!rmm_mt_mergeable(mt) || !rmm_mt_mergeable(bmt)))
			return false;
	}
	return true;
}

/* one step: the zone list of blocks of order @o (>= pageblock_order), @mt */
static void check_big_list(struct vctx *v, struct zsum *z,
			   struct rmm_zone *zone, unsigned int o,
			   unsigned int mt)
{
	struct rmm_mm *mm = v->mm;
	struct rmm_plist *l = &zone->free_area[o].free_list[mt];
	struct rmm_page *p;
	unsigned long n = 0;

	rmm_plist_for_each(mm, p, l) {
		u32 idx = rmm_mm_page_idx(mm, p);
		u32 pbn = idx >> RMM_PAGEBLOCK_ORDER, i;

		if (++n > l->nr + 1) {
			verr(v, "%s: list o%u mt%u loops", zone->name, o, mt);
			break;
		}
		if (!RmmPageBuddy(p) || p->private != o ||
		    (idx & ((1U << o) - 1)) ||
		    rmm_mm_page_zone(mm, p) != zone)
			verr(v, "%s: bad block pfn %#lx on list o%u mt%u",
			     zone->name, rmm_mm_page_to_pfn(mm, p), o, mt);
		for (i = 0; i < 1U << (o - RMM_PAGEBLOCK_ORDER); i++) {
			struct rmm_pageblock *pb = rmm_pb_nr(mm, pbn + i);

			if (pb->mt != mt || pb->nr_free != RMM_PAGEBLOCK_NR_PAGES)
				verr(v, "%s: pageblock %u type %u/nr_free %u under o%u mt%u block",
				     zone->name, pbn + i, pb->mt, pb->nr_free, o, mt);
		}
		if (buddy_could_merge(zone, idx, o, mt))
			verr(v, "%s: unmerged buddies at pfn %#lx o%u",
			     zone->name, rmm_mm_page_to_pfn(mm, p), o);
		z->cnt[o][mt]++;
		z->nblocks++;
		z->free_pages += mt == RMM_MIGRATE_ISOLATE ? 0 : 1L << o;
		z->free_cma += mt == RMM_MIGRATE_CMA ? 1L << o : 0;
	}
	if (n != l->nr)
		verr(v, "%s: list o%u mt%u has %lu entries, nr says %lu",
		     zone->name, o, mt, n, l->nr);
}

/* one section of the zone: its descriptors and its pageblocks' lists */
static void check_section(struct vctx *v, struct zsum *z,
			  struct rmm_zone *zone, unsigned long s)
{
	struct rmm_mm *mm = v->mm;
	struct rmm_mem_section *ms = &mm->sections[s];
	unsigned int o, k;

	for (k = 0; k < RMM_PAGES_PER_SECTION; k++) {
		struct rmm_page *p = &ms->memmap[k];

		if (RmmPageBuddy(p))
			z->nbuddy++;
		if (RmmPageBuddy(p) && RmmPagePcp(p))
			verr(v, "%s: pfn %#lx both buddy and pcp", zone->name,
			     rmm_mm_page_to_pfn(mm, p));
		if (rmm_page_section(p) != s)
			verr(v, "%s: descriptor of pfn %#lx has section %u, not %lu",
			     zone->name, mm->base_pfn + (s << RMM_SECTION_ORDER) + k,
			     rmm_page_section(p), s);
	}
	for (k = 0; k < RMM_PB_PER_SECTION; k++) {
		struct rmm_pageblock *pb = &ms->pb[k];
		u32 pbn = s * RMM_PB_PER_SECTION + k;
		unsigned int nf = 0, mask = 0;

		z->npb++;
		for (o = 0; o < RMM_PB_ORDERS; o++) {
			u32 i = pb->free[o], prev = RMM_NIL, n = 0;

			while (i != RMM_NIL) {
				struct rmm_page *p = rmm_mm_idx_to_page(mm, i);

				if (++n > RMM_PAGEBLOCK_NR_PAGES) {
					verr(v, "%s: pb %u list o%u loops", zone->name, pbn, o);
					break;
				}
				if ((i >> RMM_PAGEBLOCK_ORDER) != pbn ||
				    !RmmPageBuddy(p) || p->private != o ||
				    (i & ((1U << o) - 1)) || p->prev != prev)
					verr(v, "%s: pb %u bad block idx %u o%u",
					     zone->name, pbn, i, o);
				if (buddy_could_merge(zone, i, o, pb->mt))
					verr(v, "%s: unmerged buddies at idx %u o%u",
					     zone->name, i, o);
				if (pb->mt < RMM_MIGRATE_TYPES)
					z->cnt[o][pb->mt]++;
				z->nblocks++;
				nf += 1U << o;
				prev = i;
				i = p->next;
			}
			if (n)
				mask |= 1U << o;
		}
		z->free_pages += pb->mt == RMM_MIGRATE_ISOLATE ? 0 : nf;
		z->free_cma += pb->mt == RMM_MIGRATE_CMA ? nf : 0;
		if (mask != pb->mask)
			verr(v, "%s: pb %u mask %#x, lists say %#x",
			     zone->name, pbn, pb->mask, mask);
		if (nf && nf != pb->nr_free)
			verr(v, "%s: pb %u nr_free %u, lists hold %u",
			     zone->name, pbn, pb->nr_free, nf);
		if (!nf && pb->nr_free && pb->nr_free != RMM_PAGEBLOCK_NR_PAGES)
			verr(v, "%s: pb %u nr_free %u without blocks",
			     zone->name, pbn, pb->nr_free);
		if (pb->mt >= RMM_MIGRATE_TYPES)
			verr(v, "%s: pb %u type %u", zone->name, pbn, pb->mt);
		if (pb->key != RMM_PB_NOKEY)
			z->listed++;
		if (mask && pb->key == RMM_PB_NOKEY)
			verr(v, "%s: partial pb %u not indexed", zone->name, pbn);
	}
}

/* one step: the partial index of migratetype @mt */
static void check_partial(struct vctx *v, struct zsum *z,
			  struct rmm_zone *zone, unsigned int mt)
{
	struct rmm_mm *mm = v->mm;
	struct rmm_partial *pt = &zone->partial[mt];
	unsigned int k;

	for (k = 0; k < RMM_PB_KEYS; k++) {
		u32 n = pt->head[k], prev = RMM_NIL, c = 0;

		if (!!(pt->bitmap & (1ULL << k)) != (n != RMM_NIL))
			verr(v, "%s: partial[%u] bitmap bit %u wrong", zone->name, mt, k);
		while (n != RMM_NIL) {
			struct rmm_pageblock *pb = rmm_pb_nr(mm, n);

			if (++c > mm->nr_sections * RMM_PB_PER_SECTION) {
				verr(v, "%s: partial[%u][%u] loops", zone->name, mt, k);
				break;
			}
			if (pb->mt != mt || pb->key != k || pb->prev != prev)
				verr(v, "%s: pb %u on partial[%u][%u] has type %u key %u",
				     zone->name, n, mt, k, pb->mt, pb->key);
			z->listed--;
			prev = n;
			n = pb->next;
		}
	}
}

/* the zone-wide sums of a walk that saw no change; under zone->lock */
static void check_sums_locked(struct vctx *v, const struct zsum *z,
			      struct rmm_zone *zone)
{
	unsigned int o, mt;
	long nr_free, nr_cma;

	if (z->listed)
		verr(v, "%s: %ld pageblocks keyed but not listed", zone->name,
		     z->listed);
	for (o = 0; o < RMM_NR_ORDERS; o++) {
		unsigned long sum = 0;

		for (mt = 0; mt < RMM_MIGRATE_TYPES; mt++) {
			if (z->cnt[o][mt] != zone->free_area[o].nr_free_mt[mt])
				verr(v, "%s: nr_free_mt[o%u][%s] = %lu, lists hold %lu",
				     zone->name, o, rmm_migratetype_names[mt],
				     zone->free_area[o].nr_free_mt[mt], z->cnt[o][mt]);
			sum += z->cnt[o][mt];
		}
		if (sum != zone->free_area[o].nr_free)
			verr(v, "%s: nr_free[o%u] = %lu, lists hold %lu", zone->name,
			     o, zone->free_area[o].nr_free, sum);
	}
	if (z->nbuddy != z->nblocks)
		verr(v, "%s: %lu PG_buddy descriptors but %lu free blocks listed",
		     zone->name, z->nbuddy, z->nblocks);
	nr_free = rmm_atomic_long_read(&zone->vm_stat[RMM_NR_FREE_PAGES]);
	nr_cma = rmm_atomic_long_read(&zone->vm_stat[RMM_NR_FREE_CMA_PAGES]);
	if (z->free_pages != nr_free)
		verr(v, "%s: NR_FREE_PAGES %ld, lists hold %ld", zone->name,
		     nr_free, z->free_pages);
	if (z->free_cma != nr_cma)
		verr(v, "%s: NR_FREE_CMA_PAGES wrong", zone->name);
	{
		unsigned long ha = 0;

		for (o = 0; o < RMM_NR_ORDERS; o++)
			ha += z->cnt[o][RMM_MIGRATE_HIGHATOMIC] << o;
		if (ha != zone->nr_free_highatomic)
			verr(v, "%s: nr_free_highatomic %lu, lists hold %lu",
			     zone->name, zone->nr_free_highatomic, ha);
	}
}

/*
 * One walk over @zone in steps.  Returns true if the zone-wide sums were
 * checked (no change during the walk), false if they must be retried.
 */
static bool check_zone_walk(struct vctx *v, struct zsum *z,
			    struct rmm_zone *zone)
{
	struct rmm_mm *mm = v->mm;
	unsigned long flags, seq, s, t;
	unsigned int o, mt, n;
	bool quiet;

	rmm_spin_lock_irqsave(&zone->lock, flags);
	seq = zone->free_seq;
	rmm_spin_unlock_irqrestore(&zone->lock, flags);

	for (o = RMM_PAGEBLOCK_ORDER; o < RMM_NR_ORDERS; o++)
		for (mt = 0; mt < RMM_MIGRATE_TYPES; mt++) {
			rmm_spin_lock_irqsave(&zone->lock, flags);
			check_big_list(v, z, zone, o, mt);
			rmm_spin_unlock_irqrestore(&zone->lock, flags);
			rmm_cond_resched();
		}

	for (s = 0; s < mm->nr_sections; ) {
		n = 0;
		rmm_spin_lock_irqsave(&zone->lock, flags);
		for (; s < mm->nr_sections && n < VALIDATE_STEP_SECTIONS; s++) {
			struct rmm_mem_section *ms = &mm->sections[s];

			if (!ms->memmap || ms->zone != zone)
				continue;
			check_section(v, z, zone, s);
			n++;
		}
		rmm_spin_unlock_irqrestore(&zone->lock, flags);
		rmm_cond_resched();
	}

	for (mt = 0; mt < RMM_MIGRATE_TYPES; mt++) {
		rmm_spin_lock_irqsave(&zone->lock, flags);
		check_partial(v, z, zone, mt);
		rmm_spin_unlock_irqrestore(&zone->lock, flags);
		rmm_cond_resched();
	}

	rmm_spin_lock_irqsave(&zone->lock, flags);
	quiet = zone->free_seq == seq;
	if (quiet)
		check_sums_locked(v, z, zone);
	for (t = 0, mt = 0; mt < RMM_MIGRATE_TYPES; mt++)
		t += zone->nr_pageblocks_mt[mt];
	rmm_spin_unlock_irqrestore(&zone->lock, flags);
	if (t != z->npb)
		verr(v, "%s: pageblock type counts add to %lu, zone has %lu",
		     zone->name, t, z->npb);
	return quiet;
}

static void check_zone(struct vctx *v, struct rmm_zone *zone)
{
	struct zsum *z;
	int try;

	if (rmm_zone_managed_pages(zone) > zone->present_pages ||
	    zone->present_pages > zone->spanned_pages)
		verr(v, "%s: managed %lu > present %lu > spanned %lu", zone->name,
		     rmm_zone_managed_pages(zone), zone->present_pages,
		     zone->spanned_pages);
	z = rmm_kvzalloc(sizeof(*z));
	if (!z) {
		verr(v, "%s: no memory for the check", zone->name);
		return;
	}
	for (try = 0; try < VALIDATE_TRIES; try++) {
		long errors = v->errors;

		memset(z, 0, sizeof(*z));
		/* errors found in a busy walk are real: report, do not retry */
		if (check_zone_walk(v, z, zone) || v->errors != errors)
			break;
	}
	if (try == VALIDATE_TRIES)
		rmm_pr_debug("validate: %s changed during %d walks, zone-wide counts not checked\n",
			     zone->name, VALIDATE_TRIES);
	rmm_kvfree(z);
}

struct vpcp {
	struct rmm_mm *mm;
	rmm_atomic_long_t errors;	/* summed over CPUs */
};

static void check_pcp_local(void *info)
{
	struct vpcp *vp = info;
	struct vctx lv = { .mm = vp->mm }, *v = &lv;
	struct rmm_mm *mm = v->mm;
	int cpu = rmm_smp_processor_id();
	struct rmm_zone *zone;

	if (cpu >= mm->layout.nr_cpu_ids)
		return;
	rmm_for_each_zone(mm, zone) {
		struct rmm_per_cpu_pages *pcp = &zone->pcp[cpu];
		long count = 0;
		int i;

		for (i = 0; i < RMM_NR_PCP_LISTS; i++) {
			struct rmm_plist *l = &pcp->lists[i];
			struct rmm_page *p;
			unsigned long n = 0;
			unsigned int order = i >= RMM_NR_LOWORDER_PCP_LISTS ?
				RMM_PAGEBLOCK_ORDER : i / RMM_MIGRATE_PCPTYPES;

			rmm_plist_for_each(mm, p, l) {
				if (++n > l->nr + 1) {
					verr(v, "cpu%d %s: pcp list %d loops", cpu, zone->name, i);
					break;
				}
				if (!RmmPagePcp(p) || RmmPageBuddy(p) ||
				    rmm_mm_page_zone(mm, p) != zone ||
				    (rmm_mm_page_idx(mm, p) & ((1U << order) - 1)))
					verr(v, "cpu%d %s: bad page pfn %#lx on pcp list %d",
					     cpu, zone->name, rmm_mm_page_to_pfn(mm, p), i);
				count += 1L << order;
			}
			if (n != l->nr)
				verr(v, "cpu%d %s: pcp list %d has %lu, nr says %lu",
				     cpu, zone->name, i, n, l->nr);
		}
		if (count != pcp->count)
			verr(v, "cpu%d %s: pcp count %d, lists hold %ld", cpu,
			     zone->name, pcp->count, count);
		{
			struct rmm_page *p;
			unsigned long n = 0;
			long sc = 0;

			rmm_plist_for_each(mm, p, &pcp->sparse) {
				if (++n > pcp->sparse.nr + 1) {
					verr(v, "cpu%d %s: sparse list loops", cpu, zone->name);
					break;
				}
				if (!RmmPagePcp(p) || RmmPageBuddy(p) ||
				    rmm_mm_page_zone(mm, p) != zone ||
				    p->private > RMM_MAX_ORDER ||
				    (rmm_mm_page_idx(mm, p) & ((1U << p->private) - 1)))
					verr(v, "cpu%d %s: bad page pfn %#lx on sparse list",
					     cpu, zone->name, rmm_mm_page_to_pfn(mm, p));
				else
					sc += 1L << p->private;
			}
			if (sc != pcp->sparse_count || n != pcp->sparse.nr)
				verr(v, "cpu%d %s: sparse count %d, list holds %ld",
				     cpu, zone->name, pcp->sparse_count, sc);
		}
	}
	if (lv.errors)
		rmm_atomic_long_add(lv.errors, &vp->errors);
}

int rmm_validate_zone(struct rmm_zone *zone)
{
	struct vctx v = { .mm = zone->mm };

	rmm_might_sleep();
	check_zone(&v, zone);
	return v.errors ? -EFAULT : 0;
}
RMM_EXPORT(rmm_validate_zone);

int rmm_validate_mm(struct rmm_mm *mm)
{
	struct vctx v = { .mm = mm };
	struct vpcp vp = { .mm = mm };
	struct rmm_zone *zone;

	if (!mm || !mm->initialized)
		return -EINVAL;
	rmm_might_sleep();
	rmm_for_each_populated_zone(mm, zone)
		check_zone(&v, zone);
	rmm_atomic_long_set(&vp.errors, 0);
	rmm_on_each_cpu(check_pcp_local, &vp);
	/* rmm_on_each_cpu() returns when every CPU has run it */
	v.errors += rmm_atomic_long_read(&vp.errors);
	/* the LRU lists and their counters (lru.h), once lru.c is set up */
	if (mm->lru)
		v.errors += (long)rmm_lru_validate(mm);
	if (v.errors)
		rmm_pr_err("validate: %ld errors\n", v.errors);
	return v.errors ? -EFAULT : 0;
}
RMM_EXPORT(rmm_validate_mm);
