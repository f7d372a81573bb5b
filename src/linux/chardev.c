// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/regionmm: a misc device through which processes get regionmm
 * memory (memory objects, mmap of the device) and tests and tools
 * allocate from regionmm and inspect it (ioctls in
 * include/uapi/linux/regionmm.h).  This file is the device: open,
 * release, mmap and the dispatch of commands to the handlers (page
 * allocator 0x00..0x3f: ioctl_page.c; slab 0x40..0x4f: ioctl_slab.c;
 * memory objects 0x50..0x5f: mmap.c; swap devices 0x60..0x6f:
 * swap_dev.c).
 *
 * Who may use it: root by default (node mode 0600 root:root; a udev rule
 * may give the node to a group).  With user_group=GID the node is 0666 and
 * open() lets in CAP_SYS_ADMIN and members of GID.  Without
 * CAP_SYS_ADMIN a file gets memory objects (RMM_IOC_MEMFD, RMM_IOC_MADVISE, mmap of
 * the device) and RMM_IOC_INFO / RMM_IOC_CALC_WMARKS (no state); every
 * other ioctl (pages by physical frame, slab caches, drain, validate)
 * stays CAP_SYS_ADMIN, checked per call.
 *
 * Everything allocated through a file is held by that file and freed on
 * close, so a crashing test cannot leak regionmm memory; the file holds a
 * module reference (fops.owner) so the module cannot go away under it.
 * Each open file is also an implicit SHARED memory object (mmap.c): its
 * f_mapping is that object's address space, the object grows to cover
 * its mappings and goes with the file, after the last mapping.
 *
 * Locking: f->lock serialises the ioctls of one file and release; the
 * handlers take it themselves.  ->mmap runs under the mmap lock and never
 * takes f->lock (the page ioctls fault on user memory under it).
 * rmm_files_lock protects the list of open files (tasks.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/slab.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/uidgid.h>
#include <linux/xarray.h>
#include <linux/regionmm.h>
#include "rmm_file.h"
#include "rmm_glue.h"
#include "rmm_mmap.h"

/*
 * Why: processes other than root need regionmm memory (rmm-run, memory
 * objects), while the ioctls that hand out physical pages or change
 * global state must stay root's.  devtmpfs creates misc nodes root:root,
 * so the group cannot be given on the node alone; with user_group the node
 * is 0666 and open() checks the group itself.  A udev rule (README) that
 * sets the node's group and mode is the alternative.
 */
int rmm_user_group = -1;
module_param_named(user_group, rmm_user_group, int, 0444);
MODULE_PARM_DESC(user_group,
	"GID whose members may open /dev/regionmm for memory objects and mmap (the node becomes 0666, open() checks the group); -1 (default): root only");

static LIST_HEAD(rmm_files);
static DEFINE_MUTEX(rmm_files_lock);

/*
 * The node's mode is the first gate (0600 root:root unless a udev rule
 * gives it to a group); with user_group the node is 0666 and the group is
 * checked here instead.
 */
static bool rmm_may_open(void)
{
	if (rmm_user_group < 0 || capable(CAP_SYS_ADMIN))
		return true;
	return in_group_p(make_kgid(&init_user_ns, rmm_user_group));
}

/* the commands a member of user_group may use; the rest is root's */
static bool rmm_ioctl_unprivileged(unsigned int cmd)
{
	switch (cmd) {
	case RMM_IOC_INFO:
	case RMM_IOC_INFO_IOR:
	case RMM_IOC_CALC_WMARKS:
	case RMM_IOC_MEMFD:
	case RMM_IOC_MADVISE:
		return true;
	default:
		return false;
	}
}

void rmm_files_count_held(struct rmm_tasks_acc *acc)
{
	struct rmm_file *f;

	mutex_lock(&rmm_files_lock);
	list_for_each_entry(f, &rmm_files, node)
		rmm_tasks_add_pid(acc, f->opener, READ_ONCE(f->nr_held));
	mutex_unlock(&rmm_files_lock);
}

static int rmm_open(struct inode *inode, struct file *file)
{
	struct rmm_file *f;

	if (!rmm_may_open())
		return -EPERM;
	if (!rmm_mm_global)
		return -ENODEV;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->mobj = rmm_mobj_dev_create(rmm_mm_global, file);
	if (IS_ERR(f->mobj)) {
		int ret = PTR_ERR(f->mobj);

		kfree(f);
		return ret;
	}
	mutex_init(&f->lock);
	xa_init_flags(&f->pages, XA_FLAGS_ALLOC1);
	f->mm = rmm_mm_global;
	f->opener = get_pid(task_tgid(current));
	file->private_data = f;
	mutex_lock(&rmm_files_lock);
	list_add_tail(&f->node, &rmm_files);
	mutex_unlock(&rmm_files_lock);
	return 0;
}

static int rmm_release(struct inode *inode, struct file *file)
{
	struct rmm_file *f = file->private_data;

	mutex_lock(&rmm_files_lock);
	list_del(&f->node);
	mutex_unlock(&rmm_files_lock);
	rmm_slab_release(f);
	rmm_page_release(f);
	/* no mapping is left: each held this file */
	rmm_mobj_dev_release(f->mobj);
	put_pid(f->opener);
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
	if (!rmm_ioctl_unprivileged(cmd) && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (_IOC_NR(cmd) >= RMM_IOC_MEM_FIRST &&
	    _IOC_NR(cmd) <= RMM_IOC_MEM_LAST)
		return rmm_mem_ioctl(f, cmd, arg);
	if (_IOC_NR(cmd) >= RMM_IOC_SLAB_FIRST &&
	    _IOC_NR(cmd) <= RMM_IOC_SLAB_LAST)
		return rmm_slab_ioctl(f, cmd, arg);
	if (_IOC_NR(cmd) >= RMM_IOC_SWAP_FIRST &&
	    _IOC_NR(cmd) <= RMM_IOC_SWAP_LAST)
		return rmm_swap_ioctl(cmd, arg);
	return rmm_page_ioctl(f, cmd, arg);
}

static int rmm_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct rmm_file *f = file->private_data;

	return rmm_mobj_dev_mmap(f->mobj, vma);
}

static const struct file_operations rmm_fops = {
	.owner		= THIS_MODULE,
	.open		= rmm_open,
	.release	= rmm_release,
	.mmap		= rmm_mmap,
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
	int ret;

	if (rmm_user_group >= 0)
		rmm_misc.mode = 0666;
	ret = misc_register(&rmm_misc);

	if (ret)
		pr_err("chardev: cannot register /dev/regionmm (%d)\n", ret);
	return ret;
}

void rmm_chardev_exit(void)
{
	misc_deregister(&rmm_misc);
}
