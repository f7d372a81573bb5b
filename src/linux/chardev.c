// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/regionmm: a misc device (mode 0600, CAP_SYS_ADMIN) through which
 * tests and tools allocate from regionmm and inspect it (ioctls in
 * include/uapi/linux/regionmm.h).
 *
 * Every block allocated through a file is held by that file: an entry
 * xa_mk_value(pfn << RMM_FILE_ORDER_BITS | order) in f->pages, indexed by
 * the handle returned to user space.  Close frees all of them, so a
 * crashing test cannot leak regionmm memory, and the file holds a module
 * reference (fops.owner) so the module cannot go away under it.
 *
 * Invariants: f->nr_held == sum over entries of (1 << order);
 *   handles are > 0 and unique per file.
 * Locking: f->lock serialises the page ioctls of one file and release;
 *   slab ioctls are dispatched without it (slab_ioctl.c locks itself).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/capability.h>
#include <linux/xarray.h>
#include <linux/mmzone.h>
#include <linux/regionmm.h>
#include "rmm_port.h"
#include "mmzone.h"
#include "page_alloc.h"
#include "rmm_file.h"
#include "rmm_glue.h"

static inline unsigned long rmm_hold_val(u64 pfn, unsigned int order)
{
	return (unsigned long)(pfn << RMM_FILE_ORDER_BITS | order);
}

static int rmm_open(struct inode *inode, struct file *file)
{
	struct rmm_file *f;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (!rmm_mm_global)
		return -ENODEV;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	xa_init_flags(&f->pages, XA_FLAGS_ALLOC1);
	f->mm = rmm_mm_global;
	file->private_data = f;
	return 0;
}

static void rmm_free_held(struct rmm_file *f, unsigned long v)
{
	unsigned int order = v & ((1UL << RMM_FILE_ORDER_BITS) - 1);
	u64 pfn = v >> RMM_FILE_ORDER_BITS;

	rmm_mm_free_pages(f->mm, rmm_mm_pfn_to_page(f->mm, pfn), order);
	f->nr_held -= 1UL << order;
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

static int rmm_release(struct inode *inode, struct file *file)
{
	struct rmm_file *f = file->private_data;

	rmm_slab_release(f);
	mutex_lock(&f->lock);
	rmm_free_all(f);
	mutex_unlock(&f->lock);
	xa_destroy(&f->pages);
	mutex_destroy(&f->lock);
	kfree(f);
	return 0;
}

static long rmm_ioc_info(struct rmm_file *f, void __user *argp)
{
	struct rmm_ioc_info in;
	struct rmm_mm *mm = f->mm;

	if (copy_from_user(&in, argp, sizeof(in)))
		return -EFAULT;
	if (in.flags || in.pad)
		return -EINVAL;
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

static long rmm_ioc_alloc(struct rmm_file *f, void __user *argp)
{
	struct rmm_ioc_alloc a;
	struct rmm_mm *mm = f->mm;
	struct rmm_page *page;
	rmm_gfp_t gfp;
	u32 handle;
	int ret;

	if (copy_from_user(&a, argp, sizeof(a)))
		return -EFAULT;
	if (a.flags || (a.gfp_flags & ~RMM_IOC_GFP_ALL) ||
	    a.order >= RMM_NR_ORDERS ||
	    a.migratetype > RMM_IOC_MT_RECLAIMABLE ||
	    a.nid < -1 || a.nid >= mm->nr_nodes ||
	    a.zone_limit < -1 || a.zone_limit >= MAX_NR_ZONES)
		return -EINVAL;

	gfp = (a.gfp_flags & RMM_IOC_GFP_ATOMIC) ? RMM_GFP_ATOMIC :
						    RMM_GFP_KERNEL;
	if (a.gfp_flags & RMM_IOC_GFP_HIGH)
		gfp |= RMM___GFP_HIGH;
	if (a.gfp_flags & RMM_IOC_GFP_NOWARN)
		gfp |= RMM___GFP_NOWARN;
	if (a.gfp_flags & RMM_IOC_GFP_THISNODE)
		gfp |= RMM___GFP_THISNODE;
	if (a.gfp_flags & RMM_IOC_GFP_ZERO)
		gfp |= RMM___GFP_ZERO;
	if (a.migratetype == RMM_IOC_MT_MOVABLE)
		gfp |= RMM___GFP_MOVABLE;
	else if (a.migratetype == RMM_IOC_MT_RECLAIMABLE)
		gfp |= RMM___GFP_RECLAIMABLE;
	if (a.zone_limit >= 0) {
		/* highest zone allowed, like gfp_zone() */
		gfp &= ~(RMM___GFP_MOVABLE | RMM___GFP_DMA | RMM___GFP_DMA32);
		if (a.zone_limit == ZONE_MOVABLE && a.migratetype == RMM_IOC_MT_MOVABLE)
			gfp |= RMM___GFP_MOVABLE;
#ifdef CONFIG_ZONE_DMA
		else if (a.zone_limit == ZONE_DMA)
			gfp |= RMM___GFP_DMA;
#endif
#ifdef CONFIG_ZONE_DMA32
		else if (a.zone_limit == ZONE_DMA32)
			gfp |= RMM___GFP_DMA32;
#endif
		else if (a.zone_limit != ZONE_NORMAL)
			return -EINVAL;
	}

	mutex_lock(&f->lock);
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
	a.handle = handle;
	if (copy_to_user(argp, &a, sizeof(a))) {
		xa_erase(&f->pages, handle);
		rmm_mm_free_pages(mm, page, a.order);
		f->nr_held -= 1UL << a.order;
		ret = -EFAULT;
	}
out:
	mutex_unlock(&f->lock);
	return ret;
}

static long rmm_ioc_free(struct rmm_file *f, void __user *argp)
{
	struct rmm_ioc_free fr;
	void *entry;

	if (copy_from_user(&fr, argp, sizeof(fr)))
		return -EFAULT;
	if (!fr.handle || fr.handle > U32_MAX)
		return -EINVAL;
	mutex_lock(&f->lock);
	entry = xa_erase(&f->pages, fr.handle);
	if (entry)
		rmm_free_held(f, xa_to_value(entry));
	mutex_unlock(&f->lock);
	return entry ? 0 : -EINVAL;
}

static u64 rmm_pattern_word(u64 seed, u64 i)
{
	return seed ^ (i * 0x9e3779b97f4a7c15ULL);
}

static long rmm_ioc_pattern(struct rmm_file *f, void __user *argp, bool check)
{
	struct rmm_ioc_pattern p;
	unsigned long v;
	unsigned int order;
	struct rmm_page *page;
	void *entry;
	u64 *w, i, nr_words, bad = 0;

	if (copy_from_user(&p, argp, sizeof(p)))
		return -EFAULT;
	if (p.flags || p.pad || !p.handle || p.handle > U32_MAX)
		return -EINVAL;
	mutex_lock(&f->lock);
	entry = xa_load(&f->pages, p.handle);
	if (!entry) {
		mutex_unlock(&f->lock);
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

static long rmm_ioc_wmarks(struct rmm_file *f, void __user *argp)
{
	struct rmm_ioc_wmarks *w;
	long ret;

	w = kmalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	if (copy_from_user(w, argp, sizeof(*w))) {
		ret = -EFAULT;
		goto out;
	}
	ret = rmm_glue_calc_wmarks(w);
	if (!ret && copy_to_user(argp, w, sizeof(*w)))
		ret = -EFAULT;
out:
	kfree(w);
	return ret;
}

static long rmm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct rmm_file *f = file->private_data;
	void __user *argp = (void __user *)arg;
	long ret;

	if (_IOC_TYPE(cmd) != RMM_IOC_MAGIC)
		return -ENOTTY;
	if (_IOC_NR(cmd) >= RMM_IOC_SLAB_FIRST &&
	    _IOC_NR(cmd) <= RMM_IOC_SLAB_LAST)
		return rmm_slab_ioctl(f, cmd, arg);

	switch (cmd) {
	case RMM_IOC_INFO:
		return rmm_ioc_info(f, argp);
	case RMM_IOC_ALLOC_PAGES:
		return rmm_ioc_alloc(f, argp);
	case RMM_IOC_FREE_PAGES:
		return rmm_ioc_free(f, argp);
	case RMM_IOC_FREE_ALL:
		mutex_lock(&f->lock);
		rmm_free_all(f);
		mutex_unlock(&f->lock);
		return 0;
	case RMM_IOC_DRAIN:
		rmm_drain_all_pages(f->mm);
		return 0;
	case RMM_IOC_VALIDATE:
		ret = rmm_validate_mm(f->mm);
		return ret ? -EFAULT : 0;
	case RMM_IOC_CALC_WMARKS:
		return rmm_ioc_wmarks(f, argp);
	case RMM_IOC_WRITE_PATTERN:
		return rmm_ioc_pattern(f, argp, false);
	case RMM_IOC_CHECK_PATTERN:
		return rmm_ioc_pattern(f, argp, true);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations rmm_fops = {
	.owner		= THIS_MODULE,
	.open		= rmm_open,
	.release	= rmm_release,
	.unlocked_ioctl	= rmm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice rmm_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "regionmm",
	.fops	= &rmm_fops,
	.mode	= 0600,
};

int rmm_chardev_init(void)
{
	int ret = misc_register(&rmm_misc);

	if (ret)
		pr_err("chardev: cannot register /dev/regionmm (%d)\n", ret);
	return ret;
}

void rmm_chardev_exit(void)
{
	misc_deregister(&rmm_misc);
}
