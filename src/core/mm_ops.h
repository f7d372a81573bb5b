/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mm_ops.h - how the core calls the services of its host (struct
 * rmm_mm_ops in mmzone.h: the glue's table in the module, a test's on the
 * host).  Core code calls these helpers, never mm->ops directly: mm->ops
 * and each of its members may be NULL, and each helper says what the core
 * does then.
 *
 * Locking: none of its own; each op documents the contexts it is called
 * from.  Layer: depends on mmzone.h types only.
 */
#ifndef _RMM_MM_OPS_H
#define _RMM_MM_OPS_H

#include "rmm_port.h"
#include "mmzone.h"

/* nanoseconds of a monotonic clock; 0 when the host gives no clock */
static inline u64 rmm_mm_now_ns(struct rmm_mm *mm)
{
	const struct rmm_mm_ops *ops = mm->ops;

	return ops && ops->now_ns ? ops->now_ns(mm) : 0;
}

/* wake node @nid's reclaim worker; nothing happens without one */
static inline void rmm_mm_wake_kswapd(struct rmm_mm *mm, int nid)
{
	const struct rmm_mm_ops *ops = mm->ops;

	if (ops && ops->wake_kswapd)
		ops->wake_kswapd(mm, nid);
}

#endif /* _RMM_MM_OPS_H */
