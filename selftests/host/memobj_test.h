/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memobj_test.h - helpers shared by the host tests that put data in
 * memory objects (test_memobj, test_migrate, test_compact_engine):
 * pages filled with remembered random bytes, and faults and lookups made
 * the way the glue makes them.  Header-only; no state.
 */
#ifndef _RMM_MEMOBJ_TEST_H
#define _RMM_MEMOBJ_TEST_H

#include <string.h>
#include "memobj.h"

/* random contents (a 64-bit LCG from @seed), remembered in @keep */
static inline void rmm_test_fill_random(struct rmm_mm *m, struct rmm_page *p,
					u8 *keep, u64 seed)
{
	u8 *a = rmm_mm_page_address(m, p);
	int i;

	for (i = 0; i < 4096; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		a[i] = seed >> 56;
	}
	memcpy(keep, a, 4096);
}

/* @p exists and holds the bytes of @keep */
static inline bool rmm_test_same(struct rmm_mm *m, struct rmm_page *p,
				 const u8 *keep)
{
	return p && !memcmp(rmm_mm_page_address(m, p), keep, 4096);
}

/*
 * A fault as the glue makes it: under the view lock, and a replaced page
 * let go of at once (a host test has no user mappings to remove first).
 * 0 or the core's error; the page in *@page (may be NULL).
 */
static inline int rmm_test_fault(struct rmm_memview *v, u64 pgoff, bool write,
				 struct rmm_page **page)
{
	struct rmm_fault f = { .pgoff = pgoff, .write = write };
	struct rmm_plist vl;
	int ret;

	rmm_plist_init(&vl);
	rmm_memview_lock(v);
	ret = rmm_memview_fault(v, &f);
	if (!ret && f.replaced)
		rmm_memview_fault_done(v, &f, &vl);
	rmm_memview_unlock(v);
	rmm_memobj_free_victims(rmm_memview_obj(v), &vl);
	if (page)
		*page = f.page;
	return ret;
}

/* the page @v's index holds at @pgoff (NULL: none) */
static inline struct rmm_page *rmm_test_lookup(struct rmm_memview *v,
					       u64 pgoff)
{
	struct rmm_page *p;

	rmm_memview_lock(v);
	p = rmm_memview_lookup(v, pgoff);
	rmm_memview_unlock(v);
	return p;
}

#endif /* _RMM_MEMOBJ_TEST_H */
