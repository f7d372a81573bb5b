// SPDX-License-Identifier: GPL-2.0
/*
 * Memory objects for processes: the Linux side of src/core/memobj.h.
 *
 *   RMM_IOC_MEMFD     a new object as a file descriptor, a regular file of
 *                     regionmm's own pseudo filesystem ("regionmm", never
 *                     mounted in a namespace): ftruncate() sizes it,
 *                     fstat() reports it, fallocate(PUNCH_HOLE|KEEP_SIZE)
 *                     and ftruncate() down give pages back, mmap(MAP_SHARED)
 *                     maps it.
 *   /dev/regionmm     every open file is an implicit SHARED object that
 *                     grows to cover its mappings (chardev.c calls
 *                     rmm_mobj_dev_*()); the file's f_mapping is the
 *                     object's address space.
 *   RMM_IOC_MADVISE   MADV_DONTNEED/FREE/REMOVE for the caller's mappings
 *                     (the kernel's madvise() refuses PFN mappings).
 *
 * Mappings are VM_PFNMAP|VM_DONTEXPAND|VM_DONTDUMP: regionmm's pages have
 * no struct page (memmap= regions), so faults insert the page frame with
 * vmf_insert_pfn_prot(); the entries are pte_special (no refcount, no RSS,
 * no GUP).  MAP_PRIVATE is refused (-EINVAL): is_cow_mapping() PFN maps
 * hit a BUG_ON in vmf_insert_pfn() and the kernel cannot copy them on
 * write.  Copy-on-write of PRIVATE objects after fork() is regionmm's:
 * ->open of a VMA in a new mm copies the view (rmm_memview_fork()) and
 * zaps every entry of the object, so the next access faults; a write to a
 * page shared between views faults (read-only entry, ->pfn_mkwrite) and
 * the core hands back a copy.
 *
 * Invariants:
 *   a page-table entry maps page P at pgoff o only through a VMA whose
 *   view holds P at o: entries are inserted under the view lock from the
 *   view's index, and every page that leaves an index is unmapped
 *   (unmap_mapping_range() of its pgoffs) before it is freed, except in
 *   ->close, where the kernel has removed the VMA's entries already and
 *   the victims are pages no other VMA of that view covers (a page held
 *   by two views is never a victim);
 *   vm_private_data is the VMA's own struct rmm_vma (->open gives a new
 *   VMA from a split, mremap or fork its own).
 *
 * Lifetime: the pseudo filesystem is mounted while any object exists
 * (simple_pin_fs()); its file_system_type is owned by this module, so the
 * superblock, every memfd and every mapping (which holds its file) pin the
 * module: rmmod is refused while an object is open or mapped.
 *
 * Locking (lock order in Documentation/core.rst; rmm_mmap.h):
 *   faults run under the mmap lock (read) or, on 6.12, the VMA lock (a
 *   ->map_pages op lets the kernel call ->fault under it); ->open and
 *   ->close under the mmap lock (write); ftruncate/fallocate under the
 *   inode lock.  mobj->lock protects ->vmas; the view lock is held from
 *   rmm_memview_fault() until the entry is installed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/falloc.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mount.h>
#include <linux/pseudo_fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/regionmm.h>
#include "rmm_port.h"
#include "mmzone.h"
#include "memory_model.h"
#include "plist.h"
#include "memobj.h"
#include "rmm_file.h"
#include "rmm_glue.h"
#include "rmm_mmap.h"

#define RMM_FS_MAGIC	0x524d4d4f	/* "RMMO" */

#define ioc_err(cmd, fmt, ...) \
	pr_err_ratelimited(cmd ": " fmt "\n", ##__VA_ARGS__)

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
typedef struct mnt_idmap rmm_idmap_t;
#else
typedef struct user_namespace rmm_idmap_t;

static inline void vm_flags_set(struct vm_area_struct *vma,
				unsigned long flags)
{
	vma->vm_flags |= flags;
}
#endif

/* the glue's side of one object (rmm_mmap.h) */
struct rmm_mobj {
	struct rmm_mm *mm;
	struct rmm_memobj *obj;
	enum rmm_memobj_kind kind;
	struct rmm_memview *shared_view; /* SHARED: the one view, held */
	struct inode *inode;		/* i_mapping: every mapping's */
	bool dev;			/* the object of a /dev/regionmm file */
	struct mutex lock;		/* ->vmas; the device object's growth */
	struct list_head vmas;		/* struct rmm_vma of every mapping */
	struct list_head node;		/* rmm_mobjs */
};

/* one per VMA (vm_private_data) */
struct rmm_vma {
	struct list_head node;		/* mobj->vmas */
	struct rmm_mobj *mobj;
	struct rmm_memview *view;	/* NULL: fork could not copy it */
	struct vm_area_struct *vma;
	struct mm_struct *mm;
	/*
	 * The task that holds the view lock through this VMA (a fault, an
	 * access, a fork's copy), or NULL: an allocation under that lock
	 * may reach the OOM killer in the same task, which must not take
	 * the lock again to count or reap the view (rmm_mmap_count_rss(),
	 * rmm_mmap_reap()).  Written under the view lock (fork: under the
	 * mmap write lock, which keeps faults off the VMA).
	 */
	struct task_struct *lock_owner;
	/*
	 * The OOM killer reaped this VMA's view (its mm's process was
	 * killed): faults get SIGBUS, as the kernel's
	 * check_stable_address_space() after the oom reaper.  Set before
	 * the reaper takes the view lock, read under it.
	 */
	bool reaped;
};

static LIST_HEAD(rmm_mobjs);
static DEFINE_MUTEX(rmm_mobjs_lock);

static struct vfsmount *rmm_mnt;
static int rmm_mnt_count;

static const struct vm_operations_struct rmm_vm_ops;
static const struct file_operations rmm_memfd_fops;
static const struct inode_operations rmm_memfd_iops;

static inline u64 rmm_mm_cookie(struct mm_struct *mm)
{
	return (u64)(uintptr_t)mm;
}

/* ---- the pseudo filesystem ---- */

static int rmm_fs_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, RMM_FS_MAGIC) ? 0 : -ENOMEM;
}

/*
 * .owner: a superblock holds its filesystem's module, so while any object
 * (hence the mount) exists the module cannot go; the mount is pinned per
 * object and dropped with the last one.
 */
static struct file_system_type rmm_fs_type = {
	.owner			= THIS_MODULE,
	.name			= "regionmm",
	.init_fs_context	= rmm_fs_init_fs_context,
	.kill_sb		= kill_anon_super,
};

/* ---- objects ---- */

static void rmm_mobj_free(struct rmm_mobj *mo, bool own_inode)
{
	mutex_lock(&rmm_mobjs_lock);
	list_del(&mo->node);
	mutex_unlock(&rmm_mobjs_lock);
	WARN_ON_ONCE(!list_empty(&mo->vmas));
	/*
	 * Reclaim may hold the object (a pinned page) beyond this: from now
	 * on its unmap_obj calls get cookie 0 and do nothing (no mapping is
	 * left).  Under the view lock, which reclaim holds while it reads the
	 * cookie and calls unmap_obj.
	 */
	if (mo->shared_view) {
		rmm_memview_lock(mo->shared_view);
		rmm_memobj_set_host(mo->obj, 0);
		rmm_memview_unlock(mo->shared_view);
		rmm_memview_put(mo->shared_view);
	} else {
		rmm_memobj_set_host(mo->obj, 0);
	}
	rmm_memobj_put(mo->obj);
	if (own_inode)
		iput(mo->inode);
	mutex_destroy(&mo->lock);
	kfree(mo);
	simple_release_fs(&rmm_mnt, &rmm_mnt_count);
}

static struct rmm_mobj *rmm_mobj_create(struct rmm_mm *mm,
					enum rmm_memobj_kind kind, int nid,
					bool dev)
{
	struct rmm_mobj *mo;
	struct inode *inode;
	int ret;

	mo = kzalloc(sizeof(*mo), GFP_KERNEL);
	if (!mo)
		return ERR_PTR(-ENOMEM);
	ret = simple_pin_fs(&rmm_fs_type, &rmm_mnt, &rmm_mnt_count);
	if (ret) {
		kfree(mo);
		return ERR_PTR(ret);
	}
	mutex_init(&mo->lock);
	INIT_LIST_HEAD(&mo->vmas);
	INIT_LIST_HEAD(&mo->node);
	mo->mm = mm;
	mo->kind = kind;
	mo->dev = dev;
	inode = alloc_anon_inode(rmm_mnt->mnt_sb);
	if (IS_ERR(inode)) {
		ret = PTR_ERR(inode);
		goto err_fs;
	}
	/* ftruncate() and fallocate() want a regular file */
	inode->i_mode = S_IFREG | 0600;
	inode->i_op = &rmm_memfd_iops;
	inode->i_private = mo;
	mo->inode = inode;
	ret = -ENOMEM;
	mo->obj = rmm_memobj_create(mm, kind, nid, RMM_GFP_HIGHUSER_MOVABLE);
	if (!mo->obj)
		goto err_inode;
	/* reclaim's unmap_obj names the object by this (rmm_mobj_unmap_range) */
	rmm_memobj_set_host(mo->obj, (u64)(uintptr_t)mo);
	if (kind == RMM_MEMOBJ_SHARED) {
		mo->shared_view = rmm_memview_get(mo->obj, 0);
		if (!mo->shared_view)
			goto err_obj;
	}
	mutex_lock(&rmm_mobjs_lock);
	list_add_tail(&mo->node, &rmm_mobjs);
	mutex_unlock(&rmm_mobjs_lock);
	return mo;

err_obj:
	rmm_memobj_put(mo->obj);
err_inode:
	iput(inode);
err_fs:
	mutex_destroy(&mo->lock);
	kfree(mo);
	simple_release_fs(&rmm_mnt, &rmm_mnt_count);
	return ERR_PTR(ret);
}

static void rmm_free_victims(struct rmm_mobj *mo, struct rmm_plist *victims)
{
	if (!rmm_plist_empty(victims))
		rmm_memobj_free_victims(mo->obj, victims);
}

/* remove every entry of pgoffs [start, start + nr) in every mapping */
static void rmm_mobj_unmap(struct rmm_mobj *mo, u64 start, u64 nr)
{
	unmap_mapping_range(mo->inode->i_mapping,
			    (loff_t)start << PAGE_SHIFT,
			    nr ? (loff_t)nr << PAGE_SHIFT : 0, 1);
}

/*
 * ops->unmap_obj (module.c): reclaim took pages [@pgoff, @pgoff + @nr) of
 * the object whose host cookie is @cookie away (or tests whether they were
 * used): remove their entries from every mapping.  Reclaim holds the
 * object's view lock(s), under which rmm_mobj_free() clears the cookie,
 * so a non-zero cookie names a live rmm_mobj.
 */
void rmm_mobj_unmap_range(u64 cookie, u64 pgoff, u64 nr)
{
	struct rmm_mobj *mo = (struct rmm_mobj *)(uintptr_t)cookie;

	if (!mo || !nr)
		return;
	rmm_mobj_unmap(mo, pgoff, nr);
}

/*
 * A fault copied a page shared with another view (f->replaced): every
 * entry of this pgoff goes, and only then does this view let go of the old
 * page (rmm_memview_fault_done()).  The other view keeps the old page, and
 * an entry left to it here (this address or an alias mapping of the same
 * view) would read what the other process writes once the page is its
 * alone.  The view lock is held.
 */
static void rmm_replace_done(struct rmm_mobj *mo, struct rmm_memview *view,
			     struct rmm_fault *f)
{
	struct rmm_plist victims;

	if (!f->replaced)
		return;
	rmm_mobj_unmap(mo, f->pgoff, 1);
	rmm_plist_init(&victims);
	rmm_memview_fault_done(view, f, &victims);
	rmm_free_victims(mo, &victims);
}

/*
 * Every view of @mo, each with a reference of its own: a SHARED object's
 * one view, or a PRIVATE object's views of the address spaces mapping it
 * (a view no mapping holds has no pages).  Returns the number; *@out is
 * kfree()d by the caller after rmm_memview_put() on each.
 */
static int rmm_mobj_views(struct rmm_mobj *mo, struct rmm_memview ***out)
{
	struct rmm_memview **v;
	struct rmm_vma *rv;
	int n = 0, max = 0, i;

	if (mo->shared_view) {
		v = kmalloc(sizeof(*v), GFP_KERNEL);
		if (!v)
			return -ENOMEM;
		v[0] = rmm_memview_get(mo->obj, 0);
		if (!v[0]) {
			kfree(v);
			return -ENOMEM;
		}
		*out = v;
		return 1;
	}
	mutex_lock(&mo->lock);
	list_for_each_entry(rv, &mo->vmas, node)
		max++;
	v = kmalloc_array(max ? max : 1, sizeof(*v), GFP_KERNEL);
	if (!v) {
		mutex_unlock(&mo->lock);
		return -ENOMEM;
	}
	list_for_each_entry(rv, &mo->vmas, node) {
		if (!rv->view)
			continue;
		for (i = 0; i < n; i++)
			if (v[i] == rv->view)
				break;
		if (i < n)
			continue;
		/* the view exists (rv holds it): this only takes a reference */
		v[n] = rmm_memview_get(mo->obj, rmm_mm_cookie(rv->mm));
		if (v[n])
			n++;
	}
	mutex_unlock(&mo->lock);
	*out = v;
	return n;
}

static void rmm_views_put(struct rmm_memview **v, int n)
{
	while (n-- > 0)
		rmm_memview_put(v[n]);
	kfree(v);
}

/*
 * Zero bytes [@off, @off + @len) of one page of every view, where the page
 * exists (a missing page reads as zeros already).  A page shared with
 * another view is copied first (write fault), so that view keeps its data.
 */
static void rmm_mobj_zero(struct rmm_mobj *mo, loff_t off, size_t len)
{
	struct rmm_pgrange r = { .start = off >> PAGE_SHIFT, .nr = 1 };
	struct rmm_memview **v;
	int n, i;

	n = rmm_mobj_views(mo, &v);
	if (n < 0)
		return;
	for (i = 0; i < n; i++) {
		/*
		 * NORETRY: no OOM kill from under a view lock that no VMA
		 * records as held (rmm_vma.lock_owner); a shortage leaves the
		 * tail as it was, as before
		 */
		struct rmm_fault f = {
			.pgoff = r.start,
			.write = true,
			.gfp_extra = RMM___GFP_NOWARN | RMM___GFP_NORETRY,
		};

		rmm_memview_lock(v[i]);
		if (rmm_memview_lookup(v[i], r.start) &&
		    !rmm_memview_fault(v[i], &f)) {
			memset(rmm_mm_page_address(mo->mm, f.page) +
			       (off & ~PAGE_MASK), 0, len);
			rmm_replace_done(mo, v[i], &f);
		}
		rmm_memview_unlock(v[i]);
	}
	rmm_views_put(v, n);
}

/* Size in bytes (ftruncate); caller holds the inode lock. */
static int rmm_mobj_resize(struct rmm_mobj *mo, loff_t size)
{
	struct inode *inode = mo->inode;
	loff_t old = i_size_read(inode);
	u64 nr = DIV_ROUND_UP_ULL(size, PAGE_SIZE);
	struct rmm_plist victims;

	lockdep_assert_held(&inode->i_rwsem);
	rmm_plist_init(&victims);
	rmm_memobj_set_size(mo->obj, nr, &victims);
	i_size_write(inode, size);
	if (size < old) {
		rmm_mobj_unmap(mo, nr, 0);
		rmm_free_victims(mo, &victims);
		/* the tail of a partial last page reads as zeros, as shmem's */
		if (size & ~PAGE_MASK)
			rmm_mobj_zero(mo, size, PAGE_SIZE - (size & ~PAGE_MASK));
	}
	WARN_ON_ONCE(!rmm_plist_empty(&victims));
	return 0;
}

/* ---- memfd file and inode operations ---- */

static int rmm_mmap_common(struct rmm_mobj *mo, struct vm_area_struct *vma);

static int rmm_memfd_mmap(struct file *file, struct vm_area_struct *vma)
{
	return rmm_mmap_common(file->private_data, vma);
}

static int rmm_memfd_release(struct inode *inode, struct file *file)
{
	/* the dentry holds the inode: it goes after this */
	rmm_mobj_free(file->private_data, false);
	return 0;
}

/*
 * FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE frees the whole pages of the
 * range and zeroes the partial ones (shmem_fallocate()'s semantics); other
 * modes (preallocation) are not supported: -EOPNOTSUPP, as filesystems
 * without them answer.
 */
static long rmm_memfd_fallocate(struct file *file, int mode, loff_t off,
				loff_t len)
{
	struct rmm_mobj *mo = file->private_data;
	struct inode *inode = mo->inode;
	loff_t end = off + len;
	u64 first = PAGE_ALIGN(off) >> PAGE_SHIFT;
	u64 last = end >> PAGE_SHIFT;
	struct rmm_memview **v;
	struct rmm_plist victims;
	int n, i;

	if (mode != (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	inode_lock(inode);
	if (off & ~PAGE_MASK)
		rmm_mobj_zero(mo, off, min_t(loff_t, end, PAGE_ALIGN(off)) - off);
	if ((end & ~PAGE_MASK) && (end & PAGE_MASK) >= PAGE_ALIGN(off))
		rmm_mobj_zero(mo, end & PAGE_MASK, end & ~PAGE_MASK);
	if (last > first) {
		struct rmm_pgrange r = { .start = first, .nr = last - first };

		n = rmm_mobj_views(mo, &v);
		if (n < 0) {
			inode_unlock(inode);
			return n;
		}
		rmm_plist_init(&victims);
		for (i = 0; i < n; i++)
			rmm_memview_punch(v[i], &r, &victims);
		rmm_views_put(v, n);
		rmm_mobj_unmap(mo, r.start, r.nr);
		rmm_free_victims(mo, &victims);
	}
	inode_unlock(inode);
	return 0;
}

static int rmm_memfd_setattr(rmm_idmap_t *idmap, struct dentry *dentry,
			     struct iattr *attr)
{
	struct inode *inode = d_inode(dentry);
	int ret;

	ret = setattr_prepare(idmap, dentry, attr);
	if (ret)
		return ret;
	if ((attr->ia_valid & ATTR_SIZE) && attr->ia_size != inode->i_size) {
		ret = rmm_mobj_resize(inode->i_private, attr->ia_size);
		if (ret)
			return ret;
	}
	setattr_copy(idmap, inode, attr);
	return 0;
}

/* st_size is the size; st_blocks the resident pages (of every view) */
static int rmm_memfd_getattr(rmm_idmap_t *idmap, const struct path *path,
			     struct kstat *stat, u32 request_mask,
			     unsigned int query_flags)
{
	struct inode *inode = d_inode(path->dentry);
	struct rmm_mobj *mo = inode->i_private;
	struct rmm_pgrange all = { .start = 0, .nr = U64_MAX };
	struct rmm_memview **v;
	u64 pages = 0;
	int n, i;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	generic_fillattr(idmap, request_mask, inode, stat);
#else
	generic_fillattr(idmap, inode, stat);
#endif
	n = rmm_mobj_views(mo, &v);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++)
		pages += rmm_memview_count(v[i], &all);
	rmm_views_put(v, n);
	stat->blocks = pages << (PAGE_SHIFT - 9);
	return 0;
}

static const struct file_operations rmm_memfd_fops = {
	.owner		= THIS_MODULE,
	.mmap		= rmm_memfd_mmap,
	.release	= rmm_memfd_release,
	.fallocate	= rmm_memfd_fallocate,
	.llseek		= noop_llseek,
};

static const struct inode_operations rmm_memfd_iops = {
	.setattr	= rmm_memfd_setattr,
	.getattr	= rmm_memfd_getattr,
};

/* ---- mappings ---- */

static pgprot_t rmm_prot(struct vm_area_struct *vma, bool writable)
{
	unsigned long fl = vma->vm_flags;

	if (!writable)
		fl &= ~VM_WRITE;
	/* the cache mode comes from the region's memtype (track_pfn_insert) */
	return vm_get_page_prot(fl);
}

/*
 * The view lock of a VMA, recording the holder for the OOM killer (an
 * allocation under it may end in rmm_glue_out_of_memory() in this task).
 */
static void rmm_vma_lock(struct rmm_vma *rv)
{
	rmm_memview_lock(rv->view);
	WRITE_ONCE(rv->lock_owner, current);
}

static void rmm_vma_unlock(struct rmm_vma *rv)
{
	WRITE_ONCE(rv->lock_owner, NULL);
	rmm_memview_unlock(rv->view);
}

/* Map f->page at @addr; the view lock is held. */
static vm_fault_t rmm_insert(struct rmm_vma *rv, struct vm_area_struct *vma,
			     unsigned long addr, struct rmm_fault *f)
{
	struct rmm_mobj *mo = rv->mobj;
	vm_fault_t ret;

	rmm_replace_done(mo, rv->view, f);
	ret = vmf_insert_pfn_prot(vma, addr, rmm_mm_page_to_pfn(mo->mm, f->page),
				  rmm_prot(vma, f->map_writable));
	/*
	 * VM_FAULT_OOM here is the kernel's own page-table page, for which
	 * its OOM handling is the right one; regionmm's shortage is SIGBUS.
	 */
	return ret;
}

static vm_fault_t rmm_vm_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct rmm_vma *rv = vma->vm_private_data;
	struct rmm_fault f = {
		.pgoff = vmf->pgoff,
		.write = !!(vmf->flags & FAULT_FLAG_WRITE),
		.gfp_extra = RMM___GFP_NOWARN,
	};
	vm_fault_t ret;

	if (unlikely(!rv->view))
		return VM_FAULT_SIGBUS;
	rmm_vma_lock(rv);
	/*
	 * -EFAULT (beyond the size) and -ENOMEM both end in SIGBUS: never
	 * VM_FAULT_OOM, on which the kernel only logs and refaults forever
	 * (its OOM killer cannot free regionmm's pages; regionmm's own runs
	 * inside the allocation, src/linux/oom.c).
	 */
	if (READ_ONCE(rv->reaped) || rmm_memview_fault(rv->view, &f))
		ret = VM_FAULT_SIGBUS;
	else
		ret = rmm_insert(rv, vma, vmf->address & PAGE_MASK, &f);
	rmm_vma_unlock(rv);
	return ret;
}

/*
 * A write to a read-only entry: the page is shared with another view
 * (after fork) or the entry was write-protected by mprotect().  The core
 * copies when it must; the copy replaces the entry (VM_FAULT_NOPAGE).  An
 * exclusive page is made writable by the kernel (return 0), which checks
 * that the entry did not change meanwhile (finish_mkwrite_fault()).
 */
static vm_fault_t rmm_vm_pfn_mkwrite(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct rmm_vma *rv = vma->vm_private_data;
	struct rmm_fault f = {
		.pgoff = vmf->pgoff,
		.write = true,
		.gfp_extra = RMM___GFP_NOWARN,
	};
	vm_fault_t ret = 0;

	if (unlikely(!rv->view))
		return VM_FAULT_SIGBUS;
	rmm_vma_lock(rv);
	if (READ_ONCE(rv->reaped) || rmm_memview_fault(rv->view, &f))
		ret = VM_FAULT_SIGBUS;
	else if (WARN_ON_ONCE(!f.map_writable))
		ret = VM_FAULT_SIGBUS;
	else if (f.replaced)
		ret = rmm_insert(rv, vma, vmf->address & PAGE_MASK, &f);
	rmm_vma_unlock(rv);
	return ret;
}

/*
 * Fault-around has nothing to map ahead; having the op lets 6.12 call
 * ->fault under the VMA lock instead of retrying under mmap_lock
 * (vmf_can_call_fault()).
 */
static vm_fault_t rmm_vm_map_pages(struct vm_fault *vmf, pgoff_t start,
				   pgoff_t end)
{
	return 0;
}

/*
 * The pgoffs a VMA maps, read without its mm's lock: a VMA of another mm
 * may be split or moved meanwhile (a count or the core's NR_FILE_MAPPED
 * may then be off by that change; a PRIVATE view's VMAs are all in the
 * caller's mm, whose lock ->close holds).
 */
static void rmm_vma_range(struct vm_area_struct *vma, struct rmm_pgrange *r)
{
	/* racy by design, see above */
	unsigned long start = data_race(vma->vm_start);
	/* racy by design, see above */
	unsigned long end = data_race(vma->vm_end);

	/* racy by design, see above */
	r->start = data_race(vma->vm_pgoff);
	r->nr = (end - start) >> PAGE_SHIFT;
}

static void rmm_vma_link(struct rmm_vma *rv)
{
	mutex_lock(&rv->mobj->lock);
	list_add_tail(&rv->node, &rv->mobj->vmas);
	mutex_unlock(&rv->mobj->lock);
}

/*
 * A new VMA copied from @vma's source: a split or mremap in the same mm
 * (the same view, one reference more), or fork() into a new mm (a view of
 * its own: a copy of the parent's for PRIVATE objects).  Runs under the
 * mmap lock (write) of the new VMA's mm; for fork also of the parent's,
 * before copy_page_range(), so after the zap below no entry is copied.
 */
static void rmm_vm_open(struct vm_area_struct *vma)
{
	struct rmm_vma *src = vma->vm_private_data, *rv;
	struct rmm_mobj *mo = src->mobj;
	bool first = false;

	/* open cannot fail: a small allocation the kernel retries */
	rv = kzalloc(sizeof(*rv), GFP_KERNEL | __GFP_NOFAIL);
	rv->mobj = mo;
	rv->vma = vma;
	rv->mm = vma->vm_mm;
	if (!src->view) {
		rv->view = NULL;
	} else if (vma->vm_mm == src->mm) {
		rv->view = rmm_memview_get(mo->obj, rmm_mm_cookie(rv->mm));
	} else {
		/* the copy allocates under the parent view's lock */
		WRITE_ONCE(src->lock_owner, current);
		rv->view = rmm_memview_fork(src->view, rmm_mm_cookie(rv->mm),
					    &first);
		WRITE_ONCE(src->lock_owner, NULL);
		/* no writable entry to a now shared page may survive */
		if (rv->view && first && mo->kind == RMM_MEMOBJ_PRIVATE)
			rmm_mobj_unmap(mo, 0, 0);
	}
	if (!rv->view && src->view)
		pr_warn_ratelimited("mmap: no memory for the view of a new mapping (pid %d): it will SIGBUS\n",
				    task_pid_nr(current));
	vma->vm_private_data = rv;
	rmm_vma_link(rv);
}

/*
 * The VMA goes (munmap, exit, the part of a split that is unmapped).  The
 * kernel has removed its entries already.  The view learns which ranges
 * its other VMAs still map; a PRIVATE view gives back the pages no VMA
 * covers any more.  Those victims can be freed at once: no entry of this
 * VMA is left, the other VMAs of the view do not cover them, and other
 * views (other mms) never map a page that is a victim of this one.
 */
static void rmm_vm_close(struct vm_area_struct *vma)
{
	struct rmm_vma *rv = vma->vm_private_data, *o;
	struct rmm_mobj *mo = rv->mobj;
	struct rmm_memview *view = rv->view;
	struct rmm_pgrange r = { .start = vma->vm_pgoff, .nr = vma_pages(vma) };
	struct rmm_pgrange *still = NULL;
	struct rmm_plist victims;
	int n = 0, max = 0;

	mutex_lock(&mo->lock);
	list_del(&rv->node);
	if (view) {
		list_for_each_entry(o, &mo->vmas, node)
			max += o->view == view;
		if (max)
			still = kmalloc_array(max, sizeof(*still), GFP_KERNEL);
		if (still) {
			list_for_each_entry(o, &mo->vmas, node)
				if (o->view == view)
					rmm_vma_range(o->vma, &still[n++]);
		}
	}
	mutex_unlock(&mo->lock);
	/* no memory for the list: keep the pages until the view goes */
	if (view && (still || !max)) {
		rmm_plist_init(&victims);
		rmm_memview_unmapped(view, &r, still, n, &victims);
		rmm_free_victims(mo, &victims);
	}
	kfree(still);
	if (view)
		rmm_memview_put(view);
	kfree(rv);
}

/*
 * /proc/pid/mem, ptrace(PEEK/POKE): GUP cannot reach PFN entries, so the
 * kernel asks here; the page is read or written through the kernel
 * mapping of the region, one page at most per call.
 */
static int rmm_vm_access(struct vm_area_struct *vma, unsigned long addr,
			 void *buf, int len, int write)
{
	struct rmm_vma *rv = vma->vm_private_data;
	unsigned long off = addr & ~PAGE_MASK;
	struct rmm_fault f = {
		.pgoff = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT),
		.write = !!write,
		.gfp_extra = RMM___GFP_NOWARN,
	};
	void *kaddr;

	if (!rv->view)
		return -EFAULT;
	/*
	 * As GUP with FOLL_FORCE: a read-only shared mapping is not written
	 * through; a PRIVATE object is anonymous memory, written (copied).
	 */
	if (write && !(vma->vm_flags & VM_WRITE) &&
	    rv->mobj->kind == RMM_MEMOBJ_SHARED)
		return -EFAULT;
	len = min_t(int, len, PAGE_SIZE - off);
	rmm_vma_lock(rv);
	if (READ_ONCE(rv->reaped) || rmm_memview_fault(rv->view, &f)) {
		rmm_vma_unlock(rv);
		return -EFAULT;
	}
	rmm_replace_done(rv->mobj, rv->view, &f);
	kaddr = rmm_mm_page_address(rv->mobj->mm, f.page) + off;
	if (write)
		memcpy(kaddr, buf, len);
	else
		memcpy(buf, kaddr, len);
	rmm_vma_unlock(rv);
	return len;
}

/* mremap() moved the VMA: its entries moved with it, same pgoffs */
static int rmm_vm_mremap(struct vm_area_struct *vma)
{
	return 0;
}

static const struct vm_operations_struct rmm_vm_ops = {
	.open		= rmm_vm_open,
	.close		= rmm_vm_close,
	.mremap		= rmm_vm_mremap,
	.fault		= rmm_vm_fault,
	.map_pages	= rmm_vm_map_pages,
	.pfn_mkwrite	= rmm_vm_pfn_mkwrite,
	.access		= rmm_vm_access,
};

static int rmm_mmap_common(struct rmm_mobj *mo, struct vm_area_struct *vma)
{
	struct rmm_vma *rv;

	/*
	 * MAP_PRIVATE of a file opened for writing is a COW mapping, on
	 * which vmf_insert_pfn() BUGs; read-only ones could not be written
	 * after mprotect() either.  The kernel cannot copy a PFN page.
	 */
	if (!(vma->vm_flags & VM_SHARED)) {
		pr_err_ratelimited("mmap: MAP_PRIVATE of a regionmm object (pid %d): only MAP_SHARED can be honoured\n",
				   task_pid_nr(current));
		return -EINVAL;
	}
	rv = kzalloc(sizeof(*rv), GFP_KERNEL);
	if (!rv)
		return -ENOMEM;
	rv->mobj = mo;
	rv->vma = vma;
	rv->mm = vma->vm_mm;
	rv->view = rmm_memview_get(mo->obj, mo->shared_view ? 0 :
				   rmm_mm_cookie(vma->vm_mm));
	if (!rv->view) {
		kfree(rv);
		return -ENOMEM;
	}
	vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &rmm_vm_ops;
	vma->vm_private_data = rv;
	rmm_vma_link(rv);
	return 0;
}

/* ---- the object of an open /dev/regionmm ---- */

struct rmm_mobj *rmm_mobj_dev_create(struct rmm_mm *mm, struct file *file)
{
	struct rmm_mobj *mo;

	mo = rmm_mobj_create(mm, RMM_MEMOBJ_SHARED, RMM_NUMA_NO_NODE, true);
	if (!IS_ERR(mo))
		file->f_mapping = mo->inode->i_mapping;
	return mo;
}

void rmm_mobj_dev_release(struct rmm_mobj *mo)
{
	rmm_mobj_free(mo, true);
}

/* the device object grows to cover every mapping; it never shrinks */
int rmm_mobj_dev_mmap(struct rmm_mobj *mo, struct vm_area_struct *vma)
{
	u64 end = (u64)vma->vm_pgoff + vma_pages(vma);
	struct rmm_plist victims;

	if (!(vma->vm_flags & VM_SHARED))
		return rmm_mmap_common(mo, vma);
	if (end > RMM_MEMOBJ_PGOFF_LIMIT) {
		pr_err_ratelimited("mmap: /dev/regionmm offset %#llx + %lu pages: beyond the largest object (2^54 pages)\n",
				   (u64)vma->vm_pgoff << PAGE_SHIFT,
				   vma_pages(vma));
		return -EINVAL;
	}
	mutex_lock(&mo->lock);
	if (end > rmm_memobj_size(mo->obj)) {
		rmm_plist_init(&victims);
		rmm_memobj_set_size(mo->obj, end, &victims);
		WARN_ON_ONCE(!rmm_plist_empty(&victims));
	}
	mutex_unlock(&mo->lock);
	return rmm_mmap_common(mo, vma);
}

/* ---- ioctls ---- */

static long rmm_ioc_memfd(struct rmm_file *f, void __user *argp)
{
	struct rmm_ioc_memfd a;
	struct rmm_mobj *mo;
	struct file *file;
	int fd;

	if (copy_from_user(&a, argp, sizeof(a)))
		return -EFAULT;
	if (a.flags & ~RMM_MEMFD_ALL) {
		ioc_err("RMM_IOC_MEMFD", "flags %#x: unknown bits %#x",
			a.flags, a.flags & ~RMM_MEMFD_ALL);
		return -EINVAL;
	}
	if (a.pad) {
		ioc_err("RMM_IOC_MEMFD", "pad %#x: must be 0", a.pad);
		return -EINVAL;
	}
	if (a.nid < -1 || a.nid >= f->mm->nr_nodes) {
		ioc_err("RMM_IOC_MEMFD", "nid %d: not -1..%d", a.nid,
			f->mm->nr_nodes - 1);
		return -EINVAL;
	}
	if (a.size & ~PAGE_MASK) {
		ioc_err("RMM_IOC_MEMFD", "size %llu: not a multiple of %lu",
			a.size, PAGE_SIZE);
		return -EINVAL;
	}
	if (a.size > MAX_LFS_FILESIZE) {
		ioc_err("RMM_IOC_MEMFD", "size %llu: above the largest file size",
			a.size);
		return -EINVAL;
	}
	mo = rmm_mobj_create(f->mm, (a.flags & RMM_MEMFD_PRIVATE) ?
			     RMM_MEMOBJ_PRIVATE : RMM_MEMOBJ_SHARED, a.nid,
			     false);
	if (IS_ERR(mo))
		return PTR_ERR(mo);
	if (a.size) {
		inode_lock(mo->inode);
		rmm_mobj_resize(mo, a.size);
		inode_unlock(mo->inode);
	}
	/* alloc_file_pseudo() takes no module reference; __fput() drops one */
	if (!try_module_get(THIS_MODULE)) {
		rmm_mobj_free(mo, true);
		return -ENOENT;
	}
	file = alloc_file_pseudo(mo->inode, rmm_mnt, "regionmm-memfd", O_RDWR,
				 &rmm_memfd_fops);
	if (IS_ERR(file)) {
		module_put(THIS_MODULE);
		rmm_mobj_free(mo, true);
		return PTR_ERR(file);
	}
	file->private_data = mo;
	fd = get_unused_fd_flags(O_RDWR | ((a.flags & RMM_MEMFD_CLOEXEC) ?
					   O_CLOEXEC : 0));
	if (fd < 0) {
		fput(file);
		return fd;
	}
	a.fd = fd;
	if (copy_to_user(argp, &a, sizeof(a))) {
		put_unused_fd(fd);
		fput(file);
		return -EFAULT;
	}
	fd_install(fd, file);
	return 0;
}

/*
 * madvise() on the caller's regionmm mappings in [start, end).  PRIVATE
 * objects (anonymous memory): DONTNEED, FREE and REMOVE give the pages
 * back, as the kernel's madvise() does for anonymous memory.  SHARED
 * objects: REMOVE punches the object (the kernel's shmem semantics, needs
 * a writable mapping); DONTNEED and FREE only drop this mapping's entries,
 * the data stays, as for the kernel's shared file mappings.
 */
static long rmm_madvise_range(struct vm_area_struct *vma, unsigned long start,
			      unsigned long end, u32 advice, u64 *freed)
{
	struct rmm_vma *rv = vma->vm_private_data;
	struct rmm_mobj *mo = rv->mobj;
	struct rmm_pgrange r = {
		.start = vma->vm_pgoff + ((start - vma->vm_start) >> PAGE_SHIFT),
		.nr = (end - start) >> PAGE_SHIFT,
	};
	struct rmm_plist victims;

	if (mo->kind == RMM_MEMOBJ_SHARED && advice != MADV_REMOVE) {
		zap_vma_ptes(vma, start, end - start);
		return 0;
	}
	if (advice == MADV_REMOVE && mo->kind == RMM_MEMOBJ_SHARED &&
	    !(vma->vm_flags & VM_WRITE))
		return -EACCES;
	if (!rv->view)
		return 0;
	rmm_plist_init(&victims);
	rmm_memview_punch(rv->view, &r, &victims);
	/* also the entries of pages still shared with another view */
	rmm_mobj_unmap(mo, r.start, r.nr);
	*freed += victims.nr;
	rmm_free_victims(mo, &victims);
	return 0;
}

static long rmm_ioc_madvise(struct rmm_file *f, void __user *argp)
{
	struct mm_struct *mm = current->mm;
	struct rmm_ioc_madvise a;
	unsigned long start, end, addr;
	long ret = 0;

	if (copy_from_user(&a, argp, sizeof(a)))
		return -EFAULT;
	if (a.flags) {
		ioc_err("RMM_IOC_MADVISE", "flags %#x: must be 0", a.flags);
		return -EINVAL;
	}
	if (a.advice != MADV_DONTNEED && a.advice != MADV_FREE &&
	    a.advice != MADV_REMOVE) {
		ioc_err("RMM_IOC_MADVISE",
			"advice %u: not MADV_DONTNEED, MADV_FREE or MADV_REMOVE",
			a.advice);
		return -EINVAL;
	}
	if (a.start & ~PAGE_MASK) {
		ioc_err("RMM_IOC_MADVISE", "start %#llx: not page aligned",
			a.start);
		return -EINVAL;
	}
	/* like madvise(): the length is rounded up to pages */
	if (a.len > TASK_SIZE || PAGE_ALIGN(a.len) < a.len ||
	    a.start + PAGE_ALIGN(a.len) < a.start ||
	    a.start + PAGE_ALIGN(a.len) > TASK_SIZE) {
		ioc_err("RMM_IOC_MADVISE",
			"start %#llx len %llu: beyond the address space",
			a.start, a.len);
		return -EINVAL;
	}
	if (!mm)
		return -EINVAL;
	start = a.start;
	end = start + PAGE_ALIGN(a.len);
	a.freed_pages = 0;
	a.other_bytes = 0;
	mmap_read_lock(mm);
	for (addr = start; addr < end && !ret;) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		unsigned long e;

		if (!vma || vma->vm_start >= end) {
			a.other_bytes += end - addr;
			break;
		}
		if (vma->vm_start > addr) {
			a.other_bytes += vma->vm_start - addr;
			addr = vma->vm_start;
		}
		e = min(end, vma->vm_end);
		if (vma->vm_ops == &rmm_vm_ops)
			ret = rmm_madvise_range(vma, addr, e, a.advice,
						&a.freed_pages);
		else
			a.other_bytes += e - addr;
		addr = e;
	}
	mmap_read_unlock(mm);
	if (ret)
		return ret;
	return copy_to_user(argp, &a, sizeof(a)) ? -EFAULT : 0;
}

long rmm_mem_ioctl(struct rmm_file *f, unsigned int cmd, unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case RMM_IOC_MEMFD:
		return rmm_ioc_memfd(f, argp);
	case RMM_IOC_MADVISE:
		return rmm_ioc_madvise(f, argp);
	default:
		return -ENOTTY;
	}
}

/* ---- accounting (tasks.c) and the OOM reaper (oom.c) ---- */

/*
 * @view is locked by @task (rmm_vma.lock_owner): a fault that allocates
 * with reclaim drops the lock meanwhile (rmm_memview_fault()), and then
 * the view is counted like any other
 */
static bool rmm_view_held(struct rmm_mobj *mo, struct rmm_memview *view,
			  struct task_struct *task)
{
	struct rmm_vma *o;

	lockdep_assert_held(&mo->lock);
	list_for_each_entry(o, &mo->vmas, node)
		if (o->view == view && READ_ONCE(o->lock_owner) == task)
			return rmm_memview_is_locked(view);
	return false;
}

/*
 * Pages per address space: resident (anon for PRIVATE objects, shmem for
 * SHARED ones, as the kernel counts MM_ANONPAGES and MM_SHMEMPAGES),
 * swapped out, and the size of the mappings (total_vm).  A view whose
 * lock the accumulator's task holds (an OOM kill asked from its fault)
 * is not locked: its mapping's size stands in for its resident pages
 * (an upper bound) and its swap counts 0.
 */
void rmm_mmap_count_rss(struct rmm_tasks_acc *acc)
{
	struct rmm_mobj *mo;
	struct rmm_vma *rv;

	mutex_lock(&rmm_mobjs_lock);
	list_for_each_entry(mo, &rmm_mobjs, node) {
		bool shared = mo->kind == RMM_MEMOBJ_SHARED;

		mutex_lock(&mo->lock);
		list_for_each_entry(rv, &mo->vmas, node) {
			struct rmm_pgrange r;
			u64 pages, swap = 0;

			if (!rv->view)
				continue;
			/* the VMA cannot go: ->close takes mo->lock */
			rmm_vma_range(rv->vma, &r);
			if (rmm_view_held(mo, rv->view, rmm_tasks_task(acc))) {
				pages = r.nr;
			} else {
				pages = rmm_memview_count(rv->view, &r);
				swap = rmm_memview_count_swap(rv->view, &r);
			}
			rmm_tasks_add_mm(acc, rv->mm, shared, pages, swap, r.nr);
		}
		mutex_unlock(&mo->lock);
		cond_resched();
	}
	mutex_unlock(&rmm_mobjs_lock);
}

/*
 * The oom reaper's job (mm/oom_kill.c __oom_reap_task_mm()) for address
 * space @mm of a killed process: every view of a PRIVATE object that its
 * mappings hold gives its pages back now (punched, entries removed),
 * instead of when the process has finished exiting.  SHARED objects stay
 * (the kernel's reaper skips shared memory too); pages another view still
 * shares (after fork) stay with it.  The VMAs are marked reaped first, so
 * a fault of the dying process gets SIGBUS rather than a fresh zero page.
 * Views whose lock @task (the allocating task) holds are skipped (it is
 * the victim: it frees its memory on its way out).  *@before and
 * *@after: the resident pages of @mm's PRIVATE mappings (counted as
 * rmm_mmap_count_rss() does) just before and after, for the reaper's
 * report; the process may be exiting meanwhile.  Returns the pages freed.
 * Takes rmm_mobjs_lock, each object's lock, view locks.
 */
u64 rmm_mmap_reap(struct mm_struct *mm, struct task_struct *task,
		  u64 *before, u64 *after)
{
	struct rmm_pgrange all = { .start = 0, .nr = RMM_MEMOBJ_PGOFF_LIMIT };
	struct rmm_mobj *mo;
	struct rmm_vma *rv, *o;
	u64 freed = 0;

	*before = 0;
	*after = 0;
	mutex_lock(&rmm_mobjs_lock);
	list_for_each_entry(mo, &rmm_mobjs, node) {
		if (mo->kind != RMM_MEMOBJ_PRIVATE)
			continue;
		mutex_lock(&mo->lock);
		list_for_each_entry(rv, &mo->vmas, node) {
			struct rmm_plist victims;
			bool seen = false;

			if (rv->mm != mm || !rv->view || READ_ONCE(rv->reaped))
				continue;
			if (rmm_view_held(mo, rv->view, task))
				continue;
			/* every VMA of this view (one mm: one view) */
			list_for_each_entry(o, &mo->vmas, node) {
				if (o == rv)
					break;
				seen |= o->view == rv->view;
			}
			if (seen)
				continue;
			list_for_each_entry(o, &mo->vmas, node) {
				struct rmm_pgrange r;

				if (o->view != rv->view)
					continue;
				rmm_vma_range(o->vma, &r);
				*before += rmm_memview_count(o->view, &r);
				WRITE_ONCE(o->reaped, true);
			}
			rmm_plist_init(&victims);
			rmm_memview_punch(rv->view, &all, &victims);
			rmm_mobj_unmap(mo, 0, 0);
			freed += victims.nr;
			rmm_free_victims(mo, &victims);
			list_for_each_entry(o, &mo->vmas, node) {
				struct rmm_pgrange r;

				if (o->view != rv->view)
					continue;
				rmm_vma_range(o->vma, &r);
				*after += rmm_memview_count(o->view, &r);
			}
		}
		mutex_unlock(&mo->lock);
		cond_resched();
	}
	mutex_unlock(&rmm_mobjs_lock);
	return freed;
}

void rmm_mmap_exit(void)
{
	/* every object is gone (each pins the module), so is the mount */
	WARN_ON_ONCE(rmm_mnt_count || !list_empty(&rmm_mobjs));
}
