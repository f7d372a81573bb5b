// SPDX-License-Identifier: GPL-2.0
/*
 * api.c - the public in-kernel API (include/regionmm/regionmm.h) on the
 * module's global instance.  The glue sets rmm_mm_global after
 * rmm_mm_init() succeeded and clears it before rmm_mm_fini(); callers
 * must not race with teardown (module reference counting guarantees it
 * for other modules using these symbols).  The page allocation and free
 * entry points (rmm_alloc_page(s), rmm_free_page(s)) are in page_alloc.c,
 * next to the inline fast path they expand.
 */
#include "page_alloc.h"
#include "../../include/regionmm/regionmm.h"

_Static_assert(RMM_PAGE_DESC_BYTES == sizeof(struct rmm_page),
	       "regionmm.h publishes the descriptor size");

struct rmm_mm *rmm_mm_global;
RMM_EXPORT(rmm_mm_global);

void *rmm_get_free_pages(rmm_gfp_t gfp, unsigned int order)
{
	struct rmm_page *page = rmm_alloc_pages(RMM_NUMA_NO_NODE, order, gfp);

	return page ? rmm_mm_page_address(rmm_mm_global, page) : NULL;
}
RMM_EXPORT(rmm_get_free_pages);

void rmm_free_pages_addr(const void *addr, unsigned int order)
{
	struct rmm_page *page;

	if (!addr)
		return;
	page = rmm_virt_to_page(addr);
	if (RMM_WARN_ON_ONCE(!page))
		return;
	rmm_free_pages(page, order);
}
RMM_EXPORT(rmm_free_pages_addr);

unsigned long rmm_page_to_pfn(const struct rmm_page *page)
{
	return rmm_mm_page_to_pfn(rmm_mm_global, page);
}
RMM_EXPORT(rmm_page_to_pfn);

struct rmm_page *rmm_pfn_to_page(unsigned long pfn)
{
	struct rmm_mm *mm = READ_ONCE(rmm_mm_global);

	return mm ? rmm_mm_pfn_to_page(mm, pfn) : NULL;
}
RMM_EXPORT(rmm_pfn_to_page);

void *rmm_page_address(const struct rmm_page *page)
{
	return rmm_mm_page_address(rmm_mm_global, page);
}
RMM_EXPORT(rmm_page_address);

struct rmm_page *rmm_virt_to_page(const void *addr)
{
	struct rmm_mm *mm = READ_ONCE(rmm_mm_global);

	return mm ? rmm_mm_virt_to_page(mm, addr) : NULL;
}
RMM_EXPORT(rmm_virt_to_page);

u64 rmm_page_to_phys(const struct rmm_page *page)
{
	return rmm_mm_page_to_phys(rmm_mm_global, page);
}
RMM_EXPORT(rmm_page_to_phys);

struct rmm_zone *rmm_page_zone(const struct rmm_page *page)
{
	return rmm_mm_page_zone(rmm_mm_global, page);
}
RMM_EXPORT(rmm_page_zone);

int rmm_page_nid(const struct rmm_page *page)
{
	return rmm_mm_page_nid(rmm_mm_global, page);
}
RMM_EXPORT(rmm_page_nid);
