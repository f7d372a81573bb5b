/* SPDX-License-Identifier: GPL-2.0 */
/*
 * regionmm/gfp.h - allocation flags of regionmm's API: the kernel's gfp
 * semantics (include/linux/gfp_types.h) with regionmm's own values, so
 * that a caller can say GFP_KERNEL, GFP_ATOMIC, __GFP_MOVABLE ... to
 * regionmm exactly as to alloc_pages().  Types only: included by the
 * public headers and by the core (src/core/mmzone.h), never the reverse.
 */
#ifndef _REGIONMM_GFP_H
#define _REGIONMM_GFP_H

#define RMM_NUMA_NO_NODE	(-1)

typedef unsigned int rmm_gfp_t;

#define RMM___GFP_DMA			0x01u
#define RMM___GFP_HIGHMEM		0x02u
#define RMM___GFP_DMA32			0x04u
#define RMM___GFP_MOVABLE		0x08u
#define RMM___GFP_RECLAIMABLE		0x10u
#define RMM___GFP_HIGH			0x20u
#define RMM___GFP_IO			0x40u
#define RMM___GFP_FS			0x80u
#define RMM___GFP_ZERO			0x100u
#define RMM___GFP_DIRECT_RECLAIM	0x400u
#define RMM___GFP_KSWAPD_RECLAIM	0x800u
#define RMM___GFP_WRITE			0x1000u
#define RMM___GFP_NOWARN		0x2000u
#define RMM___GFP_RETRY_MAYFAIL		0x4000u
#define RMM___GFP_NOFAIL		0x8000u
#define RMM___GFP_NORETRY		0x10000u
#define RMM___GFP_MEMALLOC		0x20000u
#define RMM___GFP_COMP			0x40000u
#define RMM___GFP_NOMEMALLOC		0x80000u
#define RMM___GFP_HARDWALL		0x100000u
#define RMM___GFP_THISNODE		0x200000u
#define RMM___GFP_ACCOUNT		0x400000u

#define RMM_GFP_ZONEMASK	(RMM___GFP_DMA | RMM___GFP_HIGHMEM | \
				 RMM___GFP_DMA32 | RMM___GFP_MOVABLE)
#define RMM_GFP_MOVABLE_MASK	(RMM___GFP_RECLAIMABLE | RMM___GFP_MOVABLE)
#define RMM_GFP_MOVABLE_SHIFT	3
#define RMM___GFP_RECLAIM	(RMM___GFP_DIRECT_RECLAIM | \
				 RMM___GFP_KSWAPD_RECLAIM)

#define RMM_GFP_ATOMIC		(RMM___GFP_HIGH | RMM___GFP_KSWAPD_RECLAIM)
#define RMM_GFP_KERNEL		(RMM___GFP_RECLAIM | RMM___GFP_IO | \
				 RMM___GFP_FS)
#define RMM_GFP_NOWAIT		(RMM___GFP_KSWAPD_RECLAIM)
#define RMM_GFP_NOIO		(RMM___GFP_RECLAIM)
#define RMM_GFP_NOFS		(RMM___GFP_RECLAIM | RMM___GFP_IO)
#define RMM_GFP_USER		(RMM___GFP_RECLAIM | RMM___GFP_IO | \
				 RMM___GFP_FS | RMM___GFP_HARDWALL)
#define RMM_GFP_DMA		RMM___GFP_DMA
#define RMM_GFP_DMA32		RMM___GFP_DMA32
#define RMM_GFP_HIGHUSER	(RMM_GFP_USER | RMM___GFP_HIGHMEM)
#define RMM_GFP_HIGHUSER_MOVABLE (RMM_GFP_HIGHUSER | RMM___GFP_MOVABLE)
#define RMM_GFP_KERNEL_ACCOUNT	(RMM_GFP_KERNEL | RMM___GFP_ACCOUNT)
#define RMM_GFP_TRANSHUGE_LIGHT	((RMM_GFP_HIGHUSER_MOVABLE | \
				  RMM___GFP_COMP | RMM___GFP_NOMEMALLOC | \
				  RMM___GFP_NOWARN) & ~RMM___GFP_RECLAIM)

#endif /* _REGIONMM_GFP_H */
