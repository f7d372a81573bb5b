// SPDX-License-Identifier: GPL-2.0
/*
 * Page-allocator ioctls of /dev/regionmm (cmd 0x00..0x3f, dispatched by
 * chardev.c): INFO, ALLOC_PAGES, FREE_PAGES, FREE_ALL, DRAIN, VALIDATE,
 * CALC_WMARKS (ioctl_wmark.c), WRITE_PATTERN, CHECK_PATTERN, QUERY_PAGES.
 *
 * Every block allocated through a file is held by that file: an entry
 * xa_mk_value(pfn << RMM_FILE_ORDER_BITS | order) in f->pages, indexed by
 * the handle returned to user space.  Close frees all of them, so a
 * crashing test cannot leak regionmm memory.  A file holds at most
 * ioctl_max_blocks blocks (module parameter, default
 * RMM_IOC_FILE_MAX_BLOCKS): that bounds the kernel memory its tracking
 * entries pin; the next ALLOC_PAGES gets -ENOSPC.
 *
 * Every refused argument (-EINVAL) logs one line naming the command, the
 * field and the reason, rate-limited per call site (user space can trigger
 * it at will).
 *
 * Movable blocks: an order-0 RMM_IOC_MT_MOVABLE allocation is marked
 * movable (migrate.h, rmm_mm_set_page_movable()) with rmm_file_mops, so
 * compaction may move it: the callback copies the page and rewrites the
 * file's entry, so the handle stays and QUERY_PAGES reports the new pfn.
 * rmm_movable_blocks maps the pfn of each such block to its file and
 * handle (struct rmm_held).
 *
 * Invariants: f->nr_held == sum over entries of (1 << order);
 *   f->nr_blocks == number of entries; handles are > 0 and unique per file;
 *   a block is in rmm_movable_blocks (at its current pfn) iff it is held
 *   and marked movable.
 * Locking: f->lock serialises the page ioctls of one file and release;
 *   rmm_movable_mutex (below f->lock) guards rmm_movable_blocks.  The
 *   migrate callback takes rmm_movable_mutex, then only trylocks f->lock
 *   (-EAGAIN: busy), so the order holds and a pattern ioctl never sees
 *   the page change under it.  A block freed while a migration holds its
 *   page isolated is left to the migration (rmm_mm_clear_page_movable()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include <linux/mmzone.h>
#include <linux/regionmm.h>
#include "rmm_port.h"
#include "mmzone.h"
#include "page_alloc.h"
#include "migrate.h"
#include "rmm_file.h"
#include "rmm_glue.h"

/* one rate-limited line per refused argument, one ratelimit per call site */
#define ioc_err(cmd, fmt, ...) \
	pr_err_ratelimited(cmd ": " fmt "\n", ##__VA_ARGS__)

#define RMM_IOC_FILE_MAX_BLOCKS_LIMIT	(1U << 24)

static unsigned int rmm_ioctl_max_blocks = RMM_IOC_FILE_MAX_BLOCKS;

static int max_blocks_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || !v ||
	    v > RMM_IOC_FILE_MAX_BLOCKS_LIMIT) {
		pr_err("ioctl_max_blocks: '%s' is not a number in 1..%u\n",
		       val, RMM_IOC_FILE_MAX_BLOCKS_LIMIT);
		return -EINVAL;
	}
	WRITE_ONCE(*(unsigned int *)kp->arg, v);
	return 0;
}

static const struct kernel_param_ops max_blocks_ops = {
	.set	= max_blocks_set,
	.get	= param_get_uint,
};
module_param_cb(ioctl_max_blocks, &max_blocks_ops, &rmm_ioctl_max_blocks,
		0644);
MODULE_PARM_DESC(ioctl_max_blocks,
	"blocks one open /dev/regionmm may hold (1..16777216, default 1048576); ALLOC_PAGES beyond it gets ENOSPC");

static inline unsigned long rmm_hold_val(u64 pfn, unsigned int order)
{
	return (unsigned long)(pfn << RMM_FILE_ORDER_BITS | order);
}

/* a movable block: where its entry is (rmm_movable_blocks' values) */
struct rmm_held {
	struct rmm_file *f;
	u32 handle;
};

static DEFINE_MUTEX(rmm_movable_mutex);
static DEFINE_XARRAY(rmm_movable_blocks);	/* pfn -> struct rmm_held */

/*
 * The migrate callback of a movable block (migrate.h): copy @src to @dst
 * and make the file's handle name @dst.  Async: trylocks only.
 */
static int rmm_file_migrate(struct rmm_mm *mm, struct rmm_page *dst,
			    struct rmm_page *src, enum rmm_migrate_mode mode)
{
	unsigned long spfn = rmm_mm_page_to_pfn(mm, src);
	unsigned long dpfn = rmm_mm_page_to_pfn(mm, dst);
	struct rmm_held *h;
	void *entry;
	int ret = -EAGAIN;

	if (mode == RMM_MIGRATE_ASYNC) {
		if (!mutex_trylock(&rmm_movable_mutex))
			return -EAGAIN;
	} else {
		mutex_lock(&rmm_movable_mutex);
	}
	h = xa_load(&rmm_movable_blocks, spfn);
	/* none: being freed (the page is an orphan now) */
	if (!h || !mutex_trylock(&h->f->lock))
		goto out;
	entry = xa_load(&h->f->pages, h->handle);
	if (WARN_ON_ONCE(!entry ||
			 xa_to_value(entry) != rmm_hold_val(spfn, 0))) {
		ret = -EBUSY;
		goto unlock;
	}
	ret = xa_err(xa_store(&rmm_movable_blocks, dpfn, h, GFP_KERNEL));
	if (ret)
		goto unlock;
	copy_page(rmm_mm_page_address(mm, dst), rmm_mm_page_address(mm, src));
	/* an existing slot: no allocation, cannot fail */
	xa_store(&h->f->pages, h->handle, xa_mk_value(rmm_hold_val(dpfn, 0)),
		 GFP_KERNEL);
	xa_erase(&rmm_movable_blocks, spfn);
unlock:
	mutex_unlock(&h->f->lock);
out:
	mutex_unlock(&rmm_movable_mutex);
	return ret;
}

static bool rmm_file_isolate(struct rmm_mm *mm, struct rmm_page *page)
{
	return true;	/* the page stays the file's until migrate */
}

static void rmm_file_putback(struct rmm_mm *mm, struct rmm_page *page)
{
}

static const struct rmm_movable_operations rmm_file_mops = {
	.isolate_page	= rmm_file_isolate,
	.migrate_page	= rmm_file_migrate,
	.putback_page	= rmm_file_putback,
};

/* a new order-0 movable block of @f becomes migratable (f->lock held) */
static void rmm_held_make_movable(struct rmm_file *f, struct rmm_page *page,
				  u64 pfn, u32 handle)
{
	struct rmm_held *h = kmalloc(sizeof(*h), GFP_KERNEL);

	lockdep_assert_held(&f->lock);
	if (!h)
		return;		/* it stays unmovable: allowed */
	h->f = f;
	h->handle = handle;
	mutex_lock(&rmm_movable_mutex);
	if (xa_err(xa_store(&rmm_movable_blocks, pfn, h, GFP_KERNEL)) ||
	    rmm_mm_set_page_movable(f->mm, page, &rmm_file_mops, 0)) {
		xa_erase(&rmm_movable_blocks, pfn);
		kfree(h);
	}
	mutex_unlock(&rmm_movable_mutex);
}

static void rmm_free_held(struct rmm_file *f, unsigned long v)
{
	unsigned int order = v & ((1UL << RMM_FILE_ORDER_BITS) - 1);
	u64 pfn = v >> RMM_FILE_ORDER_BITS;
	struct rmm_page *page = rmm_mm_pfn_to_page(f->mm, pfn);
	bool ours = true;

	lockdep_assert_held(&f->lock);
	if (!order && rmm_mm_page_movable(f->mm, page)) {
		mutex_lock(&rmm_movable_mutex);
		kfree(xa_erase(&rmm_movable_blocks, pfn));
		ours = rmm_mm_clear_page_movable(f->mm, page);
		mutex_unlock(&rmm_movable_mutex);
	}
	if (ours)
		rmm_mm_free_pages(f->mm, page, order);
	f->nr_held -= 1UL << order;
	f->nr_blocks--;
}

static void rmm_free_all(struct rmm_file *f)
{
	unsigned long idx;
	void *entry;

	xa_for_each(&f->pages, idx, entry) {
		xa_erase(&f->pages, idx);
		rmm_free_held(f, xa_to_value(entry));
	}
}

void rmm_page_release(struct rmm_file *f)
{
	mutex_lock(&f->lock);
	rmm_free_all(f);
	mutex_unlock(&f->lock);
}

static long rmm_ioc_info(struct rmm_file *f, void __user *argp)
{
	struct rmm_ioc_info in;
	struct rmm_mm *mm = f->mm;

	if (copy_from_user(&in, argp, sizeof(in)))
		return -EFAULT;
	if (in.flags || in.pad) {
		ioc_err("RMM_IOC_INFO", "flags %#x pad %#x: must be 0",
			in.flags, in.pad);
		return -EINVAL;
	}
	memset(&in, 0, sizeof(in));
	in.api_version = RMM_IOC_API_VERSION;
	in.nr_nodes = mm->nr_nodes;
	in.nr_zones = MAX_NR_ZONES;
	in.nr_orders = RMM_NR_ORDERS;
	in.pb_order = RMM_PAGEBLOCK_ORDER;
	in.page_size = PAGE_SIZE;
	in.managed_pages = rmm_mm_total_managed(mm);
	in.free_pages = rmm_mm_total_free(mm);
	return copy_to_user(argp, &in, sizeof(in)) ? -EFAULT : 0;
}

/*
 * User request -> gfp, as the kernel's callers build it: the migratetype
 * gives __GFP_MOVABLE / __GFP_RECLAIMABLE; the zone is the highest one
 * allowed, from the zone bits as gfp_zone() reads them.  A movable request
 * without zone_limit is GFP_HIGHUSER_MOVABLE's __GFP_HIGHMEM|__GFP_MOVABLE
 * (the Movable zone if the layout has one), and ZONE_MOVABLE can only be
 * reached that way, as in the kernel.
 */
static int rmm_ioc_gfp(const struct rmm_ioc_alloc *a, rmm_gfp_t *gfpp)
{
	bool movable = a->migratetype == RMM_IOC_MT_MOVABLE;
	int zl = a->zone_limit;
	rmm_gfp_t gfp;

	gfp = (a->gfp_flags & RMM_IOC_GFP_ATOMIC) ? RMM_GFP_ATOMIC :
						    RMM_GFP_KERNEL;
	if (a->gfp_flags & RMM_IOC_GFP_HIGH)
		gfp |= RMM___GFP_HIGH;
	if (a->gfp_flags & RMM_IOC_GFP_NOWARN)
		gfp |= RMM___GFP_NOWARN;
	if (a->gfp_flags & RMM_IOC_GFP_THISNODE)
		gfp |= RMM___GFP_THISNODE;
	if (a->gfp_flags & RMM_IOC_GFP_ZERO)
		gfp |= RMM___GFP_ZERO;
	if (movable)
		gfp |= RMM___GFP_MOVABLE;
	else if (a->migratetype == RMM_IOC_MT_RECLAIMABLE)
		gfp |= RMM___GFP_RECLAIMABLE;

	if (zl < 0)
		zl = movable ? ZONE_MOVABLE : ZONE_NORMAL;
	switch (zl) {
#ifdef CONFIG_ZONE_DMA
	case ZONE_DMA:
		gfp |= RMM___GFP_DMA;
		break;
#endif
#ifdef CONFIG_ZONE_DMA32
	case ZONE_DMA32:
		gfp |= RMM___GFP_DMA32;
		break;
#endif
	case ZONE_NORMAL:
		break;
	case ZONE_MOVABLE:
		if (!movable) {
			ioc_err("RMM_IOC_ALLOC_PAGES",
				"zone_limit %d (Movable) needs migratetype %d (movable), got %u",
				zl, RMM_IOC_MT_MOVABLE, a->migratetype);
			return -EINVAL;
		}
		gfp |= RMM___GFP_HIGHMEM;
		break;
	default:
		ioc_err("RMM_IOC_ALLOC_PAGES",
			"zone_limit %d: no zone an allocation can ask for", zl);
		return -EINVAL;
	}
	*gfpp = gfp;
	return 0;
}

static int rmm_ioc_alloc_check(const struct rmm_ioc_alloc *a,
			       const struct rmm_mm *mm)
{
	if (a->flags) {
		ioc_err("RMM_IOC_ALLOC_PAGES", "flags %#x: must be 0", a->flags);
		return -EINVAL;
	}
	if (a->gfp_flags & ~RMM_IOC_GFP_ALL) {
		ioc_err("RMM_IOC_ALLOC_PAGES", "gfp_flags %#x: unknown bits %#x",
			a->gfp_flags, a->gfp_flags & ~RMM_IOC_GFP_ALL);
		return -EINVAL;
	}
	if (a->order >= RMM_NR_ORDERS) {
		ioc_err("RMM_IOC_ALLOC_PAGES", "order %u: not below %d",
			a->order, RMM_NR_ORDERS);
		return -EINVAL;
	}
	if (a->migratetype > RMM_IOC_MT_RECLAIMABLE) {
		ioc_err("RMM_IOC_ALLOC_PAGES", "migratetype %u: not 0..%d",
			a->migratetype, RMM_IOC_MT_RECLAIMABLE);
		return -EINVAL;
	}
	if (a->nid < -1 || a->nid >= mm->nr_nodes) {
		ioc_err("RMM_IOC_ALLOC_PAGES", "nid %d: not -1..%d",
			a->nid, mm->nr_nodes - 1);
		return -EINVAL;
	}
	if (a->zone_limit < -1 || a->zone_limit >= MAX_NR_ZONES) {
		ioc_err("RMM_IOC_ALLOC_PAGES", "zone_limit %d: not -1..%d",
			a->zone_limit, MAX_NR_ZONES - 1);
		return -EINVAL;
	}
	return 0;
}

static long rmm_ioc_alloc(struct rmm_file *f, void __user *argp)
{
	struct rmm_ioc_alloc a;
	struct rmm_mm *mm = f->mm;
	struct rmm_page *page;
	unsigned int max_blocks;
	rmm_gfp_t gfp;
	u32 handle;
	int ret;

	if (copy_from_user(&a, argp, sizeof(a)))
		return -EFAULT;
	ret = rmm_ioc_alloc_check(&a, mm);
	if (!ret)
		ret = rmm_ioc_gfp(&a, &gfp);
	if (ret)
		return ret;

	mutex_lock(&f->lock);
	max_blocks = READ_ONCE(rmm_ioctl_max_blocks);
	if (f->nr_blocks >= max_blocks) {
		pr_err_ratelimited("RMM_IOC_ALLOC_PAGES: this file holds %lu blocks, the limit (ioctl_max_blocks=%u)\n",
				   f->nr_blocks, max_blocks);
		ret = -ENOSPC;
		goto out;
	}
	page = rmm_mm_alloc_pages(mm, a.nid, a.order, gfp);
	if (!page) {
		ret = -ENOMEM;
		goto out;
	}
	a.pfn = rmm_mm_page_to_pfn(mm, page);
	ret = xa_alloc(&f->pages, &handle, xa_mk_value(rmm_hold_val(a.pfn,
								  a.order)),
		       xa_limit_31b, GFP_KERNEL);
	if (ret) {
		rmm_mm_free_pages(mm, page, a.order);
		goto out;
	}
	f->nr_held += 1UL << a.order;
	f->nr_blocks++;
	a.handle = handle;
	if (!a.order && a.migratetype == RMM_IOC_MT_MOVABLE)
		rmm_held_make_movable(f, page, a.pfn, handle);
	if (copy_to_user(argp, &a, sizeof(a))) {
		xa_erase(&f->pages, handle);
		rmm_free_held(f, rmm_hold_val(a.pfn, a.order));
		ret = -EFAULT;
	}
out:
	mutex_unlock(&f->lock);
	return ret;
}

static long rmm_ioc_free(struct rmm_file *f, void __user *argp)
{
	struct rmm_ioc_free fr;
	void *entry = NULL;

	if (copy_from_user(&fr, argp, sizeof(fr)))
		return -EFAULT;
	mutex_lock(&f->lock);
	if (fr.handle && fr.handle <= U32_MAX)
		entry = xa_erase(&f->pages, fr.handle);
	if (entry)
		rmm_free_held(f, xa_to_value(entry));
	mutex_unlock(&f->lock);
	if (!entry) {
		ioc_err("RMM_IOC_FREE_PAGES",
			"handle %llu: not a block this file holds",
			fr.handle);
		return -EINVAL;
	}
	return 0;
}

static u64 rmm_pattern_word(u64 seed, u64 i)
{
	return seed ^ (i * 0x9e3779b97f4a7c15ULL);
}

static long rmm_ioc_pattern(struct rmm_file *f, void __user *argp, bool check)
{
	const char *cmd = check ? "RMM_IOC_CHECK_PATTERN" :
				  "RMM_IOC_WRITE_PATTERN";
	struct rmm_ioc_pattern p;
	unsigned long v;
	unsigned int order;
	struct rmm_page *page;
	void *entry = NULL;
	u64 *w, i, nr_words, bad = 0;

	if (copy_from_user(&p, argp, sizeof(p)))
		return -EFAULT;
	if (p.flags || p.pad) {
		pr_err_ratelimited("%s: flags %#x pad %#x: must be 0\n", cmd,
				   p.flags, p.pad);
		return -EINVAL;
	}
	mutex_lock(&f->lock);
	if (p.handle && p.handle <= U32_MAX)
		entry = xa_load(&f->pages, p.handle);
	if (!entry) {
		mutex_unlock(&f->lock);
		pr_err_ratelimited("%s: handle %llu: not a block this file holds\n",
				   cmd, p.handle);
		return -EINVAL;
	}
	v = xa_to_value(entry);
	order = v & ((1UL << RMM_FILE_ORDER_BITS) - 1);
	page = rmm_mm_pfn_to_page(f->mm, v >> RMM_FILE_ORDER_BITS);
	w = rmm_mm_page_address(f->mm, page);
	nr_words = (PAGE_SIZE << order) / sizeof(u64);
	for (i = 0; i < nr_words; i++) {
		if (!check)
			w[i] = rmm_pattern_word(p.seed, i);
		else if (w[i] != rmm_pattern_word(p.seed, i))
			bad++;
		if (!(i & 4095))
			cond_resched();
	}
	mutex_unlock(&f->lock);
	p.bad_words = bad;
	if (check && copy_to_user(argp, &p, sizeof(p)))
		return -EFAULT;
	return 0;
}

static long rmm_ioc_query(struct rmm_file *f, void __user *argp)
{
	struct rmm_ioc_query q;
	void *entry = NULL;
	unsigned long v;

	if (copy_from_user(&q, argp, sizeof(q)))
		return -EFAULT;
	if (q.flags || q.pad) {
		ioc_err("RMM_IOC_QUERY_PAGES", "flags %#x pad %#x: must be 0",
			q.flags, q.pad);
		return -EINVAL;
	}
	mutex_lock(&f->lock);
	if (q.handle && q.handle <= U32_MAX)
		entry = xa_load(&f->pages, q.handle);
	if (entry) {
		v = xa_to_value(entry);
		q.order = v & ((1UL << RMM_FILE_ORDER_BITS) - 1);
		q.pfn = v >> RMM_FILE_ORDER_BITS;
		q.movable = !q.order &&
			rmm_mm_page_movable(f->mm,
					    rmm_mm_pfn_to_page(f->mm, q.pfn));
	}
	mutex_unlock(&f->lock);
	if (!entry) {
		ioc_err("RMM_IOC_QUERY_PAGES",
			"handle %llu: not a block this file holds", q.handle);
		return -EINVAL;
	}
	return copy_to_user(argp, &q, sizeof(q)) ? -EFAULT : 0;
}

long rmm_page_ioctl(struct rmm_file *f, unsigned int cmd, unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case RMM_IOC_INFO:
	case RMM_IOC_INFO_IOR:	/* first number, declared _IOR: kept */
		return rmm_ioc_info(f, argp);
	case RMM_IOC_ALLOC_PAGES:
		return rmm_ioc_alloc(f, argp);
	case RMM_IOC_FREE_PAGES:
		return rmm_ioc_free(f, argp);
	case RMM_IOC_FREE_ALL:
		rmm_page_release(f);
		return 0;
	case RMM_IOC_DRAIN:
		rmm_drain_all_pages(f->mm);
		return 0;
	case RMM_IOC_VALIDATE:
		return rmm_validate_mm(f->mm) ? -EFAULT : 0;
	case RMM_IOC_CALC_WMARKS:
		return rmm_wmark_ioctl(argp);
	case RMM_IOC_WRITE_PATTERN:
		return rmm_ioc_pattern(f, argp, false);
	case RMM_IOC_CHECK_PATTERN:
		return rmm_ioc_pattern(f, argp, true);
	case RMM_IOC_QUERY_PAGES:
		return rmm_ioc_query(f, argp);
	default:
		return -ENOTTY;
	}
}
