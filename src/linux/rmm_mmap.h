/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory objects in the Linux glue (mmap.c, tasks.c, chardev.c): how a
 * core object (src/core/memobj.h) becomes a file that processes map.
 *
 * struct rmm_mobj is the glue's side of one object: the core object, the
 * inode whose address_space every mapping of the object is linked into
 * (what unmap_mapping_range() zaps), and the list of its mappings (one
 * struct rmm_vma per VMA, in vma->vm_private_data).
 *
 * Invariants:
 *   a SHARED object's one view is held by the rmm_mobj for its whole life
 *   (the pages outlive the mappings, as a memfd's do); a PRIVATE object's
 *   views are held by the rmm_vmas of their address space only (anonymous
 *   memory dies with its last mapping);
 *   every VMA whose vm_ops is regionmm's has its own rmm_vma, on its
 *   object's ->vmas list from ->mmap/->open until ->close;
 *   an rmm_mobj lives while its file (memfd or /dev/regionmm) is open;
 *   every mapping holds that file (vm_file), so it outlives them all.
 *
 * Locking (see Documentation/core.rst, lock order):
 *   mmap_lock (or the VMA lock)
 *     -> rmm_mobjs_lock (global list of objects; tasks.c)
 *       -> mobj->lock (its ->vmas list, the device object's growth)
 *         -> view lock -> i_mmap_rwsem -> PTE lock
 *   inode lock (ftruncate, fallocate) is taken before all of them.
 */
#ifndef _RMM_MMAP_H
#define _RMM_MMAP_H

#include <linux/types.h>

struct file;
struct proc_dir_entry;
struct pid;
struct mm_struct;
struct rmm_mm;
struct rmm_mobj;
struct rmm_file;
struct vm_area_struct;

/* module parameter user_group (chardev.c): -1 = root only */
extern int rmm_user_group;

/* module exit: checks that no object is left (each pins the module) */
void rmm_mmap_exit(void);

/*
 * The implicit SHARED object of an open /dev/regionmm: created at open,
 * sets file->f_mapping to the object's address space; dropped at release
 * (no mapping can exist by then: mappings hold the file).
 */
struct rmm_mobj *rmm_mobj_dev_create(struct rmm_mm *mm, struct file *file);
void rmm_mobj_dev_release(struct rmm_mobj *mo);
int rmm_mobj_dev_mmap(struct rmm_mobj *mo, struct vm_area_struct *vma);

/* RMM_IOC_MEMFD, RMM_IOC_MADVISE (cmd 0x50..0x5f) */
long rmm_mem_ioctl(struct rmm_file *f, unsigned int cmd, unsigned long arg);

/*
 * /proc/regionmm/tasks and the OOM killer gather pages per address space
 * and per opener (tasks.c) from the mappings (mmap.c) and the page
 * ioctls' files (chardev.c).  The counting functions sleep (the objects',
 * views' and files' locks); rmm_tasks_add_*() only record.  @shared: the
 * pages are a SHARED object's (shmem-rss), else anon-rss.
 */
struct rmm_tasks_acc;
struct task_struct;
struct rmm_oom_task;
void rmm_mmap_count_rss(struct rmm_tasks_acc *acc);
void rmm_files_count_held(struct rmm_tasks_acc *acc);
void rmm_tasks_add_mm(struct rmm_tasks_acc *acc, struct mm_struct *mm,
		      bool shared, u64 pages, u64 swap, u64 vm_pages);
void rmm_tasks_add_pid(struct rmm_tasks_acc *acc, struct pid *opener,
		       unsigned long pages);

/*
 * tasks.c: gather for @task, the allocating task of an OOM kill (its
 * view locks are not taken: rmm_vma.lock_owner) or the reader of the
 * file (may sleep; NULL without memory), then under
 * rcu_read_lock() describe each process: false when it holds no regionmm
 * page and no swap entry; else @ot is filled (cookie = the task_struct)
 * and *@mmp (if given) is the mm the counts were matched to (pinned by
 * @acc until rmm_tasks_put()).
 */
struct rmm_tasks_acc *rmm_tasks_gather(struct task_struct *task);
/* @task of rmm_tasks_gather(): its view locks are never taken */
struct task_struct *rmm_tasks_task(const struct rmm_tasks_acc *acc);
bool rmm_tasks_incomplete(const struct rmm_tasks_acc *acc);
bool rmm_tasks_describe(struct rmm_tasks_acc *acc, struct task_struct *p,
			struct rmm_oom_task *ot, struct mm_struct **mmp);
void rmm_tasks_put(struct rmm_tasks_acc *acc);
/* the anon part of @acc's counts that came from @mm's mappings */
u64 rmm_tasks_mm_anon(const struct rmm_tasks_acc *acc, struct mm_struct *mm);

/*
 * mmap.c: ops->unmap_obj (cookie: rmm_memobj_set_host()'s, 0 = the
 * object's files are gone: nothing mapped); the OOM reaper's part
 * (rmm_mmap_reap(): pages freed from @mm's PRIVATE views, and their
 * resident pages before and after).
 */
void rmm_mobj_unmap_range(u64 cookie, u64 pgoff, u64 nr);
u64 rmm_mmap_reap(struct mm_struct *mm, struct task_struct *task,
		  u64 *before, u64 *after);

/* tasks.c: /proc/regionmm/tasks */
int rmm_tasks_init(struct proc_dir_entry *dir);

#endif /* _RMM_MMAP_H */
