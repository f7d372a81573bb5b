/* SPDX-License-Identifier: GPL-2.0 */
/*
 * regionmm.h - public in-kernel API of regionmm (EXPORT_SYMBOL_GPL).
 *
 * Pages are described by struct rmm_page (16 bytes, regionmm's own page
 * frame descriptor, see src/core/mmzone.h), not by the host's struct page.
 * All calls below act on the module's global instance rmm_mm_global and
 * fail (NULL) while it is not set up.  Allocation never sleeps; it follows
 * the kernel's gfp semantics (RMM_GFP_KERNEL, RMM_GFP_ATOMIC, zone bits,
 * __GFP_ZERO/COMP/NOWARN/THISNODE).  The core variants taking an explicit
 * instance (rmm_mm_alloc_pages() ...) are in src/core/page_alloc.h.
 */
#ifndef _REGIONMM_REGIONMM_H
#define _REGIONMM_REGIONMM_H

#include "../../src/core/page_alloc.h"

#define RMM_API_VERSION	1

/* the instance the glue set up (NULL before init / after teardown) */
extern struct rmm_mm *rmm_mm_global;

struct rmm_page *rmm_alloc_pages(int nid, unsigned int order, rmm_gfp_t gfp);
void rmm_free_pages(struct rmm_page *page, unsigned int order);
struct rmm_page *rmm_alloc_page(rmm_gfp_t gfp);
void rmm_free_page(struct rmm_page *page);
/* like __get_free_pages()/free_pages(): kernel virtual addresses */
void *rmm_get_free_pages(rmm_gfp_t gfp, unsigned int order);
void rmm_free_pages_addr(const void *addr, unsigned int order);

unsigned long rmm_page_to_pfn(const struct rmm_page *page);
struct rmm_page *rmm_pfn_to_page(unsigned long pfn);	/* NULL: not ours */
void *rmm_page_address(const struct rmm_page *page);
struct rmm_page *rmm_virt_to_page(const void *addr);	/* NULL: not ours */
u64 rmm_page_to_phys(const struct rmm_page *page);
struct rmm_zone *rmm_page_zone(const struct rmm_page *page);
int rmm_page_nid(const struct rmm_page *page);

#include <regionmm/slab.h>

#endif /* _REGIONMM_REGIONMM_H */
