/* SPDX-License-Identifier: GPL-2.0 */
/*
 * plist.h - lists of struct rmm_page linked through their 32-bit next/prev
 * page indices (the descriptor is 16 bytes, so no room for pointers).
 *
 * struct rmm_plist: head with pointers to both ends and a count.
 *   Invariants: nr == 0 <=> first == NULL <=> last == NULL;
 *   first->prev == RMM_NIL; last->next == RMM_NIL.
 * "ilist": a head that is a single u32 (first index), used inside
 *   pageblocks; same page links, no count, no last.
 * Callers provide the locking of whatever structure holds the head.
 */
#ifndef _RMM_PLIST_H
#define _RMM_PLIST_H

#include "memory_model.h"

static inline void rmm_plist_init(struct rmm_plist *l)
{
	l->first = NULL;
	l->last = NULL;
	l->nr = 0;
}

static inline bool rmm_plist_empty(const struct rmm_plist *l)
{
	return !l->first;
}

static inline struct rmm_page *rmm_plist_next(const struct rmm_mm *mm,
					      const struct rmm_page *p)
{
	return p->next == RMM_NIL ? NULL : rmm_mm_idx_to_page(mm, p->next);
}

static inline struct rmm_page *rmm_plist_prev(const struct rmm_mm *mm,
					      const struct rmm_page *p)
{
	return p->prev == RMM_NIL ? NULL : rmm_mm_idx_to_page(mm, p->prev);
}

/* add at the head; @idx == rmm_mm_page_idx(mm, p) */
static inline void rmm_plist_add_idx(const struct rmm_mm *mm,
				     struct rmm_plist *l, struct rmm_page *p,
				     u32 idx)
{
	struct rmm_page *f = l->first;

	p->prev = RMM_NIL;
	if (f) {
		p->next = rmm_mm_page_idx(mm, f);
		f->prev = idx;
	} else {
		p->next = RMM_NIL;
		l->last = p;
	}
	l->first = p;
	l->nr++;
}

/* add at the head */
static inline void rmm_plist_add(const struct rmm_mm *mm, struct rmm_plist *l,
				 struct rmm_page *p)
{
	struct rmm_page *f = l->first;

	p->prev = RMM_NIL;
	if (f) {
		p->next = rmm_mm_page_idx(mm, f);
		f->prev = rmm_mm_page_idx(mm, p);
	} else {
		p->next = RMM_NIL;
		l->last = p;
	}
	l->first = p;
	l->nr++;
}

static inline void rmm_plist_add_tail(const struct rmm_mm *mm,
				      struct rmm_plist *l, struct rmm_page *p)
{
	struct rmm_page *t = l->last;

	p->next = RMM_NIL;
	if (t) {
		p->prev = rmm_mm_page_idx(mm, t);
		t->next = rmm_mm_page_idx(mm, p);
	} else {
		p->prev = RMM_NIL;
		l->first = p;
	}
	l->last = p;
	l->nr++;
}

static inline void rmm_plist_del(const struct rmm_mm *mm, struct rmm_plist *l,
				 struct rmm_page *p)
{
	struct rmm_page *n = rmm_plist_next(mm, p);
	struct rmm_page *pr = rmm_plist_prev(mm, p);

	if (pr)
		pr->next = p->next;
	else
		l->first = n;
	if (n)
		n->prev = p->prev;
	else
		l->last = pr;
	l->nr--;
	p->next = RMM_NIL;
	p->prev = RMM_NIL;
}

static inline struct rmm_page *rmm_plist_pop(const struct rmm_mm *mm,
					     struct rmm_plist *l)
{
	struct rmm_page *p = l->first;

	if (!p)
		return NULL;
	if (p->next == RMM_NIL) {
		l->first = NULL;
		l->last = NULL;
	} else {
		struct rmm_page *n = rmm_mm_idx_to_page(mm, p->next);

		n->prev = RMM_NIL;
		l->first = n;
	}
	l->nr--;
	return p;
}

static inline struct rmm_page *rmm_plist_pop_tail(const struct rmm_mm *mm,
						  struct rmm_plist *l)
{
	struct rmm_page *p = l->last;

	if (!p)
		return NULL;
	if (p->prev == RMM_NIL) {
		l->first = NULL;
		l->last = NULL;
	} else {
		struct rmm_page *pr = rmm_mm_idx_to_page(mm, p->prev);

		pr->next = RMM_NIL;
		l->last = pr;
		p->prev = RMM_NIL;
	}
	l->nr--;
	return p;
}

#define rmm_plist_for_each(mm, p, l) \
	for ((p) = (l)->first; (p); (p) = rmm_plist_next(mm, p))

/*
 * ---- single-word heads ----
 * An ilist links the free blocks of one order inside one pageblock, so
 * every member lies in @p's pageblock, hence in its section's memmap: a
 * neighbour's descriptor is @p plus the difference of the indices, with
 * no section lookup.  @idx == rmm_mm_page_idx(mm, p).
 */
static inline void rmm_ilist_add(u32 *head, struct rmm_page *p, u32 idx)
{
	p->prev = RMM_NIL;
	p->next = *head;
	if (*head != RMM_NIL)
		p[(long)*head - (long)idx].prev = idx;
	*head = idx;
}

static inline void rmm_ilist_del(u32 *head, struct rmm_page *p, u32 idx)
{
	if (p->prev == RMM_NIL)
		*head = p->next;
	else
		p[(long)p->prev - (long)idx].next = p->next;
	if (p->next != RMM_NIL)
		p[(long)p->next - (long)idx].prev = p->prev;
	p->next = RMM_NIL;
	p->prev = RMM_NIL;
}

#endif /* _RMM_PLIST_H */
