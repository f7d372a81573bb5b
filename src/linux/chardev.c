// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/regionmm: a misc device (mode 0600, CAP_SYS_ADMIN) through which
 * tests and tools allocate from regionmm and inspect it (ioctls in
 * include/uapi/linux/regionmm.h).  This file is the device: open, release
 * and the dispatch of commands to the ioctl_<area>.c handlers (page
 * allocator 0x00..0x3f: ioctl_page.c; slab 0x40..0x4f: ioctl_slab.c).
 *
 * Everything allocated through a file is held by that file and freed on
 * close, so a crashing test cannot leak regionmm memory; the file holds a
 * module reference (fops.owner) so the module cannot go away under it.
 *
 * Locking: f->lock serialises the ioctls of one file and release; the
 * handlers take it themselves.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/slab.h>
#include <linux/capability.h>
#include <linux/xarray.h>
#include <linux/regionmm.h>
#include "rmm_file.h"
#include "rmm_glue.h"

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

static int rmm_release(struct inode *inode, struct file *file)
{
	struct rmm_file *f = file->private_data;

	rmm_slab_release(f);
	rmm_page_release(f);
	xa_destroy(&f->pages);
	mutex_destroy(&f->lock);
	kfree(f);
	return 0;
}

static long rmm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct rmm_file *f = file->private_data;

	if (_IOC_TYPE(cmd) != RMM_IOC_MAGIC)
		return -ENOTTY;
	if (_IOC_NR(cmd) >= RMM_IOC_SLAB_FIRST &&
	    _IOC_NR(cmd) <= RMM_IOC_SLAB_LAST)
		return rmm_slab_ioctl(f, cmd, arg);
	return rmm_page_ioctl(f, cmd, arg);
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
