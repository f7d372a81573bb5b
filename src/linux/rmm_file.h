/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-open-file state of /dev/regionmm, shared by the page ioctls
 * (ioctl_page.c, glue) and the slab ioctls (ioctl_slab.c).
 *
 * Invariants:
 *   every entry of @pages is xa_mk_value(pfn << RMM_FILE_ORDER_BITS | order)
 *   of a block this file allocated and still holds; the module keeps one
 *   reference (try_module_get) per open file, so unload waits for close.
 *   @nr_blocks counts the entries (bounded by ioctl_max_blocks);
 *   @slab_priv belongs to ioctl_slab.c alone (NULL until it uses it);
 *   @mobj is the file's implicit memory object, from open to release.
 *
 * Locking: @lock (mutex) serialises ioctls of one file against each other
 * and against release; the allocator has its own locks underneath.
 */
#ifndef _RMM_FILE_H
#define _RMM_FILE_H

#include <linux/mutex.h>
#include <linux/xarray.h>
#include <linux/types.h>

struct proc_dir_entry;
struct rmm_mm;
struct rmm_mobj;
struct pid;

#define RMM_FILE_ORDER_BITS	5

struct rmm_file {
	struct mutex lock;
	struct xarray pages;		/* handle -> (pfn, order) value */
	unsigned long nr_held;		/* pages (not blocks) held */
	unsigned long nr_blocks;	/* entries of @pages */
	struct rmm_mm *mm;		/* instance the file works on */
	void *slab_priv;		/* owned by ioctl_slab.c */
	struct rmm_mobj *mobj;		/* the file's memory object (mmap.c) */
	struct pid *opener;		/* tgid of the opener (tasks.c) */
	struct list_head node;		/* chardev.c's list of open files */
};

/* ioctl_slab.c: cmd numbers RMM_IOC_SLAB_FIRST..RMM_IOC_SLAB_LAST */
long rmm_slab_ioctl(struct rmm_file *f, unsigned int cmd, unsigned long arg);
/* ioctl_slab.c: free whatever @f still holds; called with f->lock free */
void rmm_slab_release(struct rmm_file *f);
/* slabinfo.c: /proc/regionmm/slabinfo */
int rmm_slabinfo_init(struct proc_dir_entry *dir);
void rmm_slabinfo_exit(void);

#endif /* _RMM_FILE_H */
