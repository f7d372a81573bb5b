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

/* remove user entries of an object's pages; nothing to do without the op */
static inline void rmm_mm_unmap_obj(struct rmm_mm *mm, u64 obj_cookie,
				    u64 pgoff, u64 nr)
{
	const struct rmm_mm_ops *ops = mm->ops;

	if (ops && ops->unmap_obj)
		ops->unmap_obj(mm, obj_cookie, pgoff, nr);
}

/* swap device I/O; -ENODEV when the host has none */
static inline int rmm_mm_swap_io(struct rmm_mm *mm, u64 dev_cookie,
				 u64 offset, void *addr, bool write)
{
	const struct rmm_mm_ops *ops = mm->ops;

	if (!ops || !ops->swap_io)
		return -ENODEV;
	return ops->swap_io(mm, dev_cookie, offset, addr, write);
}

/* an asynchronous swap write; -EOPNOTSUPP when the host has none */
static inline int rmm_mm_swap_write_async(struct rmm_mm *mm, u64 dev_cookie,
					  u64 offset, void *addr,
					  struct rmm_page *page)
{
	const struct rmm_mm_ops *ops = mm->ops;

	if (!ops || !ops->swap_write_async)
		return -EOPNOTSUPP;
	return ops->swap_write_async(mm, dev_cookie, offset, addr, page);
}

/*
 * reads of @nr pages of one swap device, submitted together then waited
 * for (@errs[i]: each one's result); without the op, one swap_io each
 */
static inline void rmm_mm_swap_read_batch(struct rmm_mm *mm, u64 dev_cookie,
					  const u64 *offsets,
					  void *const *addrs, int nr,
					  int *errs)
{
	const struct rmm_mm_ops *ops = mm->ops;
	int i;

	if (ops && ops->swap_read_batch) {
		ops->swap_read_batch(mm, dev_cookie, offsets, addrs, nr, errs);
		return;
	}
	for (i = 0; i < nr; i++)
		errs[i] = rmm_mm_swap_io(mm, dev_cookie, offsets[i], addrs[i],
					 false);
}

/* the host's OOM killer; false (nothing killed) without one */
static inline bool rmm_mm_out_of_memory(struct rmm_mm *mm, unsigned int order,
					rmm_gfp_t gfp)
{
	const struct rmm_mm_ops *ops = mm->ops;

	return ops && ops->out_of_memory && ops->out_of_memory(mm, order, gfp);
}

#endif /* _RMM_MM_OPS_H */
