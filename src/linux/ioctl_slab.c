// SPDX-License-Identifier: GPL-2.0
/*
 * Slab ioctls of /dev/regionmm (cmd 0x40..0x4f, dispatched by chardev.c)
 * and the global-instance slab API (rmm_cache_create, rmm_kmalloc,
 * rmm_kfree on rmm_mm_global).
 *
 * Every cache and object a file creates is held in the file's state and
 * named by an opaque handle (never a pointer); close frees the objects and
 * destroys the caches.  Handles are per-file counters starting at 1:
 * CACHE_ALLOC of N objects returns the first of N consecutive handles.
 *
 * Invariants (per file, under f->lock):
 *   every entry of sf->caches is a cache this file created and not yet
 *   destroyed; every live entry of sf->objs is an object allocated by this
 *   file (from one of its caches, or kmalloc when cache_id == 0) and not
 *   yet freed; stale entries (freed == true) exist only for debug caches
 *   and only while the cache's alloc_gen is unchanged, i.e. while the
 *   object cannot have been handed out again (the cache is private to the
 *   file) - that is what lets the double-free test reach the allocator's
 *   check without ever freeing memory somebody else owns.
 *
 * Bounds (they cap the kernel memory one file's bookkeeping can pin):
 *   nr_objs + nr_stale <= SLAB_IOC_MAX_OBJS and nr_caches <=
 *   SLAB_IOC_MAX_CACHES; a call that would pass them gets -ENOSPC.
 * Every refused argument (-EINVAL) and -ENOSPC logs one line naming the
 * command, the field and the reason, rate-limited per call site.
 *
 * Locking: f->lock (mutex of the glue's rmm_file) around each ioctl;
 * release runs with no ioctl in flight.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include <linux/regionmm.h>

#include "slab.h"
#include "rmm_glue.h"
#include "rmm_file.h"

/*
 * RMM_IOC_SLAB_VALIDATE: check every cache's slabs and counters (safe while
 * other CPUs use them), this file's caches completely, and that the objects
 * this file holds are aligned and pairwise disjoint.  0 or -EFAULT (and a
 * report).
 */

#define SLAB_IOC_MAX_COUNT	65536	/* objects per CACHE_ALLOC call */
#define SLAB_IOC_MAX_OBJS	RMM_IOC_FILE_MAX_OBJS	/* per file */
#define SLAB_IOC_MAX_CACHES	RMM_IOC_FILE_MAX_CACHES	/* per file */
#define SLAB_IOC_MAX_KMALLOC	(4UL << 20)	/* largest RMM_IOC_KMALLOC */

struct slab_file_cache {
	struct rmm_cache *cache;
	unsigned long alloc_gen;	/* bumped by every CACHE_ALLOC */
};

struct slab_file_obj {
	void *obj;
	u64 cache_id;			/* 0: kmalloc */
	unsigned long gen;		/* cache alloc_gen when freed */
	bool freed;			/* stale entry kept for the double-free test */
};

struct slab_file {
	struct xarray caches;		/* id -> struct slab_file_cache */
	struct xarray objs;		/* id -> struct slab_file_obj */
	u64 next_cache, next_obj;
	unsigned long nr_caches, nr_objs;
	unsigned long nr_stale;		/* entries with freed == true */
};

/* ------------------------------------------------ global-instance API */

struct rmm_cache *rmm_cache_create(const char *name, unsigned int size,
				   unsigned int align, unsigned long flags,
				   void (*ctor)(void *))
{
	struct rmm_mm *mm = READ_ONCE(rmm_mm_global);

	if (!mm)
		return NULL;
	return rmm_mm_cache_create(mm, name, size, align, flags, ctor);
}
EXPORT_SYMBOL_GPL(rmm_cache_create);

void *rmm_kmalloc(size_t size, rmm_gfp_t gfp)
{
	struct rmm_mm *mm = READ_ONCE(rmm_mm_global);

	return mm ? rmm_mm_kmalloc(mm, size, gfp) : NULL;
}
EXPORT_SYMBOL_GPL(rmm_kmalloc);

void rmm_kfree(const void *p)
{
	struct rmm_mm *mm = READ_ONCE(rmm_mm_global);

	if (p && !WARN_ON_ONCE(!mm))
		rmm_mm_kfree(mm, p);
}
EXPORT_SYMBOL_GPL(rmm_kfree);

/* ------------------------------------------------------------ helpers */

static struct slab_file *slab_file_get(struct rmm_file *f)
{
	struct slab_file *sf = f->slab_priv;

	if (sf)
		return sf;
	sf = kzalloc(sizeof(*sf), GFP_KERNEL);
	if (!sf)
		return NULL;
	xa_init(&sf->caches);
	xa_init(&sf->objs);
	sf->next_cache = 1;
	sf->next_obj = 1;
	f->slab_priv = sf;
	return sf;
}

static unsigned long ioc_to_flags(u32 in)
{
	unsigned long fl = 0;

	if (in & RMM_IOC_SLAB_HWCACHE_ALIGN)
		fl |= RMM_SLAB_HWCACHE_ALIGN;
	if (in & RMM_IOC_SLAB_RECLAIM_ACCOUNT)
		fl |= RMM_SLAB_RECLAIM_ACCOUNT;
	if (in & RMM_IOC_SLAB_RED_ZONE)
		fl |= RMM_SLAB_RED_ZONE;
	if (in & RMM_IOC_SLAB_POISON)
		fl |= RMM_SLAB_POISON;
	if (in & RMM_IOC_SLAB_STORE_USER)
		fl |= RMM_SLAB_STORE_USER;
	if (in & RMM_IOC_SLAB_DEBUG)
		fl |= RMM_SLAB_DEBUG;
	return fl;
}

#define RMM_IOC_SLAB_ALL (RMM_IOC_SLAB_HWCACHE_ALIGN | \
	RMM_IOC_SLAB_RECLAIM_ACCOUNT | RMM_IOC_SLAB_RED_ZONE | \
	RMM_IOC_SLAB_POISON | RMM_IOC_SLAB_STORE_USER | RMM_IOC_SLAB_DEBUG)

static struct slab_file_cache *lookup_cache(struct slab_file *sf, u64 id)
{
	if (!id || id >= sf->next_cache)
		return NULL;
	return xa_load(&sf->caches, id);
}

static void free_obj(struct slab_file *sf, struct slab_file_obj *o,
		     struct rmm_mm *mm)
{
	struct slab_file_cache *fc;

	if (o->cache_id) {
		fc = xa_load(&sf->caches, o->cache_id);
		rmm_cache_free(fc->cache, o->obj);
	} else {
		rmm_mm_kfree(mm, o->obj);
	}
}

/* ------------------------------------------------------------- ioctls */

static long ioc_cache_create(struct rmm_file *f, struct slab_file *sf,
			     void __user *up)
{
	struct rmm_ioc_cache_create a;
	struct slab_file_cache *fc;
	struct rmm_cache *c;
	int ret;

	if (copy_from_user(&a, up, sizeof(a)))
		return -EFAULT;
	if (a.flags & ~RMM_IOC_SLAB_ALL) {
		pr_err_ratelimited("RMM_IOC_CACHE_CREATE: flags %#x: unknown bits %#x\n",
				   a.flags, a.flags & ~RMM_IOC_SLAB_ALL);
		return -EINVAL;
	}
	if (a.pad) {
		pr_err_ratelimited("RMM_IOC_CACHE_CREATE: pad %#x: must be 0\n",
				   a.pad);
		return -EINVAL;
	}
	if (!memchr(a.name, 0, sizeof(a.name))) {
		pr_err_ratelimited("RMM_IOC_CACHE_CREATE: name: not NUL-terminated within %zu bytes\n",
				   sizeof(a.name));
		return -EINVAL;
	}
	if (sf->nr_caches >= SLAB_IOC_MAX_CACHES) {
		pr_err_ratelimited("RMM_IOC_CACHE_CREATE: this file holds %lu caches, the limit\n",
				   sf->nr_caches);
		return -ENOSPC;
	}
	fc = kzalloc(sizeof(*fc), GFP_KERNEL);
	if (!fc)
		return -ENOMEM;
	/* rmm_mm_cache_create() checks name, size and align with a pr_err */
	c = rmm_mm_cache_create(f->mm, a.name, a.size, a.align,
				ioc_to_flags(a.flags), NULL);
	if (!c) {
		kfree(fc);
		return -EINVAL;
	}
	fc->cache = c;
	ret = xa_err(xa_store(&sf->caches, sf->next_cache, fc, GFP_KERNEL));
	if (ret)
		goto undo;
	a.cache_handle = sf->next_cache;
	if (copy_to_user(up, &a, sizeof(a))) {
		xa_erase(&sf->caches, sf->next_cache);
		ret = -EFAULT;
		goto undo;
	}
	sf->next_cache++;
	sf->nr_caches++;
	return 0;
undo:
	rmm_cache_destroy(c);
	kfree(fc);
	return ret;
}

/* drop the stale (freed) entries of one cache */
static void drop_stale(struct slab_file *sf, u64 cache_id)
{
	struct slab_file_obj *o;
	unsigned long idx;

	xa_for_each(&sf->objs, idx, o) {
		if (o->freed && (!cache_id || o->cache_id == cache_id)) {
			xa_erase(&sf->objs, idx);
			kfree(o);
			sf->nr_stale--;
		}
	}
}

static long ioc_cache_destroy(struct rmm_file *f, struct slab_file *sf,
			      void __user *up)
{
	struct rmm_ioc_cache a;
	struct slab_file_cache *fc;
	int ret;

	if (copy_from_user(&a, up, sizeof(a)))
		return -EFAULT;
	fc = lookup_cache(sf, a.cache_handle);
	if (!fc) {
		pr_err_ratelimited("RMM_IOC_CACHE_DESTROY: cache_handle %llu: not a cache of this file\n",
				   a.cache_handle);
		return -EINVAL;
	}
	ret = rmm_cache_destroy(fc->cache);	/* reports busy caches */
	if (ret)
		return ret;
	drop_stale(sf, a.cache_handle);
	xa_erase(&sf->caches, a.cache_handle);
	kfree(fc);
	sf->nr_caches--;
	return 0;
}

static long ioc_cache_alloc(struct rmm_file *f, struct slab_file *sf,
			    void __user *up)
{
	struct rmm_ioc_cache_alloc a;
	struct slab_file_cache *fc;
	u64 first = sf->next_obj, i;
	int ret = 0;

	if (copy_from_user(&a, up, sizeof(a)))
		return -EFAULT;
	fc = lookup_cache(sf, a.cache_handle);
	if (!fc) {
		pr_err_ratelimited("RMM_IOC_CACHE_ALLOC: cache_handle %llu: not a cache of this file\n",
				   a.cache_handle);
		return -EINVAL;
	}
	if (a.pad) {
		pr_err_ratelimited("RMM_IOC_CACHE_ALLOC: pad %#x: must be 0\n",
				   a.pad);
		return -EINVAL;
	}
	if (!a.count || a.count > SLAB_IOC_MAX_COUNT) {
		pr_err_ratelimited("RMM_IOC_CACHE_ALLOC: count %u: not 1..%d\n",
				   a.count, SLAB_IOC_MAX_COUNT);
		return -EINVAL;
	}
	if (sf->nr_objs + sf->nr_stale + a.count > SLAB_IOC_MAX_OBJS) {
		pr_err_ratelimited("RMM_IOC_CACHE_ALLOC: count %u: this file holds %lu object handles, the limit is %u\n",
				   a.count, sf->nr_objs + sf->nr_stale,
				   SLAB_IOC_MAX_OBJS);
		return -ENOSPC;
	}
	fc->alloc_gen++;
	drop_stale(sf, a.cache_handle);
	for (i = 0; i < a.count; i++) {
		struct slab_file_obj *o = kzalloc(sizeof(*o), GFP_KERNEL);

		if (!o) {
			ret = -ENOMEM;
			break;
		}
		o->obj = rmm_cache_alloc(fc->cache, RMM_GFP_KERNEL);
		o->cache_id = a.cache_handle;
		if (!o->obj) {
			kfree(o);
			ret = -ENOMEM;
			break;
		}
		ret = xa_err(xa_store(&sf->objs, first + i, o, GFP_KERNEL));
		if (ret) {
			rmm_cache_free(fc->cache, o->obj);
			kfree(o);
			break;
		}
	}
	if (!ret) {
		a.first_obj_handle = first;
		if (copy_to_user(up, &a, sizeof(a)))
			ret = -EFAULT;
	}
	if (ret) {
		/* no partial state: give back what this call took */
		while (i-- > 0) {
			struct slab_file_obj *o = xa_erase(&sf->objs, first + i);

			rmm_cache_free(fc->cache, o->obj);
			kfree(o);
		}
		return ret;
	}
	sf->next_obj += a.count;
	sf->nr_objs += a.count;
	return 0;
}

static long ioc_cache_free(struct rmm_file *f, struct slab_file *sf,
			   void __user *up)
{
	struct rmm_ioc_cache_free a;
	struct slab_file_cache *fc, *oc;
	struct slab_file_obj *o;

	if (copy_from_user(&a, up, sizeof(a)))
		return -EFAULT;
	fc = lookup_cache(sf, a.cache_handle);
	o = a.obj_handle && a.obj_handle < sf->next_obj ?
		xa_load(&sf->objs, a.obj_handle) : NULL;
	if (!fc || !o || !o->cache_id) {
		pr_err_ratelimited("RMM_IOC_CACHE_FREE: cache_handle %llu/obj_handle %llu: not a cache object of this file\n",
				   a.cache_handle, a.obj_handle);
		return -EINVAL;
	}
	oc = xa_load(&sf->caches, o->cache_id);
	if (o->freed) {
		/*
		 * Double free of a debug-cache object that cannot have been
		 * reallocated (no CACHE_ALLOC on its private cache since):
		 * let the allocator detect, report and refuse it.
		 */
		if (o->gen != oc->alloc_gen || fc != oc ||
		    !(rmm_cache_flags(fc->cache) & RMM_SLAB_DEBUG_FLAGS)) {
			pr_err_ratelimited("RMM_IOC_CACHE_FREE: obj_handle %llu: already freed\n",
					   a.obj_handle);
			return -EINVAL;
		}
		rmm_cache_free(fc->cache, o->obj);
		xa_erase(&sf->objs, a.obj_handle);
		kfree(o);
		sf->nr_stale--;
		return 0;
	}
	if (fc != oc) {
		/*
		 * Wrong cache: only debug caches check it (the free is then
		 * reported and refused, the object stays ours); never hand a
		 * foreign object to a cache that would accept it.
		 */
		if (!(rmm_cache_flags(fc->cache) & RMM_SLAB_DEBUG_FLAGS)) {
			pr_err_ratelimited("RMM_IOC_CACHE_FREE: obj_handle %llu: belongs to another cache than %llu\n",
					   a.obj_handle, a.cache_handle);
			return -EINVAL;
		}
		rmm_cache_free(fc->cache, o->obj);
		return 0;
	}
	rmm_cache_free(fc->cache, o->obj);
	sf->nr_objs--;
	if (rmm_cache_flags(fc->cache) & RMM_SLAB_DEBUG_FLAGS) {
		o->freed = true;
		o->gen = fc->alloc_gen;
		sf->nr_stale++;
	} else {
		xa_erase(&sf->objs, a.obj_handle);
		kfree(o);
	}
	return 0;
}

static long ioc_obj_write(struct rmm_file *f, struct slab_file *sf,
			  void __user *up)
{
	struct rmm_ioc_obj_write a;
	struct slab_file_cache *fc;
	struct slab_file_obj *o;
	struct rmm_cache *c;
	u64 limit;

	if (copy_from_user(&a, up, sizeof(a)))
		return -EFAULT;
	fc = lookup_cache(sf, a.cache_handle);
	o = a.obj_handle && a.obj_handle < sf->next_obj ?
		xa_load(&sf->objs, a.obj_handle) : NULL;
	if (!fc || !o || o->freed || xa_load(&sf->caches, o->cache_id) != fc) {
		pr_err_ratelimited("RMM_IOC_OBJ_WRITE: cache_handle %llu/obj_handle %llu: not a live object of this file\n",
				   a.cache_handle, a.obj_handle);
		return -EINVAL;
	}
	c = fc->cache;
	limit = c->object_size;
	/* past the end only into the right red zone of a RED_ZONE cache */
	if (c->flags & RMM_SLAB_RED_ZONE)
		limit = c->inuse;
	if (a.byte > 0xff) {
		pr_err_ratelimited("RMM_IOC_OBJ_WRITE: byte %#llx: above 0xff\n",
				   a.byte);
		return -EINVAL;
	}
	if (!a.len || (u64)a.offset + a.len > limit) {
		pr_err_ratelimited("RMM_IOC_OBJ_WRITE: offset %u len %u: not 1..%llu bytes inside the object\n",
				   a.offset, a.len, limit);
		return -EINVAL;
	}
	memset((char *)o->obj + a.offset, (int)a.byte, a.len);
	return 0;
}

static long ioc_cache_shrink(struct rmm_file *f, struct slab_file *sf,
			     void __user *up)
{
	struct rmm_ioc_cache a;
	struct slab_file_cache *fc;

	if (copy_from_user(&a, up, sizeof(a)))
		return -EFAULT;
	fc = lookup_cache(sf, a.cache_handle);
	if (!fc) {
		pr_err_ratelimited("RMM_IOC_CACHE_SHRINK: cache_handle %llu: not a cache of this file\n",
				   a.cache_handle);
		return -EINVAL;
	}
	return rmm_cache_shrink(fc->cache);	/* pages returned */
}

static long ioc_kmalloc(struct rmm_file *f, struct slab_file *sf,
			void __user *up)
{
	struct rmm_ioc_kmalloc a;
	struct slab_file_obj *o;
	int ret;

	if (copy_from_user(&a, up, sizeof(a)))
		return -EFAULT;
	if (!a.size || a.size > SLAB_IOC_MAX_KMALLOC) {
		pr_err_ratelimited("RMM_IOC_KMALLOC: size %llu: not 1..%lu\n",
				   a.size, SLAB_IOC_MAX_KMALLOC);
		return -EINVAL;
	}
	if (sf->nr_objs + sf->nr_stale >= SLAB_IOC_MAX_OBJS) {
		pr_err_ratelimited("RMM_IOC_KMALLOC: this file holds %lu object handles, the limit\n",
				   sf->nr_objs + sf->nr_stale);
		return -ENOSPC;
	}
	o = kzalloc(sizeof(*o), GFP_KERNEL);
	if (!o)
		return -ENOMEM;
	o->obj = rmm_mm_kmalloc(f->mm, a.size, RMM_GFP_KERNEL);
	if (!o->obj) {
		kfree(o);
		return -ENOMEM;
	}
	ret = xa_err(xa_store(&sf->objs, sf->next_obj, o, GFP_KERNEL));
	if (!ret) {
		a.obj_handle = sf->next_obj;
		if (copy_to_user(up, &a, sizeof(a))) {
			xa_erase(&sf->objs, sf->next_obj);
			ret = -EFAULT;
		}
	}
	if (ret) {
		rmm_mm_kfree(f->mm, o->obj);
		kfree(o);
		return ret;
	}
	sf->next_obj++;
	sf->nr_objs++;
	return 0;
}

static long ioc_kfree(struct rmm_file *f, struct slab_file *sf,
		      void __user *up)
{
	struct rmm_ioc_kfree a;
	struct slab_file_obj *o;

	if (copy_from_user(&a, up, sizeof(a)))
		return -EFAULT;
	o = a.obj_handle && a.obj_handle < sf->next_obj ?
		xa_load(&sf->objs, a.obj_handle) : NULL;
	if (!o || o->cache_id || o->freed) {
		pr_err_ratelimited("RMM_IOC_KFREE: obj_handle %llu: not a kmalloc object of this file\n",
				   a.obj_handle);
		return -EINVAL;
	}
	xa_erase(&sf->objs, a.obj_handle);
	rmm_mm_kfree(f->mm, o->obj);
	kfree(o);
	sf->nr_objs--;
	return 0;
}

struct obj_extent {
	unsigned long start, end, align;
};

static int cmp_extent(const void *a, const void *b)
{
	const struct obj_extent *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static long ioc_slab_validate(struct rmm_file *f, struct slab_file *sf)
{
	struct slab_file_cache *fc;
	struct slab_file_obj *o;
	struct obj_extent *ext;
	unsigned long idx, n = 0, i;
	long ret;

	ret = rmm_slab_validate_all(f->mm);
	if (ret)
		return ret;
	xa_for_each(&sf->caches, idx, fc) {
		ret = rmm_cache_validate(fc->cache);
		if (ret)
			return ret;
	}
	ext = kvmalloc_array(sf->nr_objs + 1, sizeof(*ext), GFP_KERNEL);
	if (!ext)
		return -ENOMEM;
	xa_for_each(&sf->objs, idx, o) {
		size_t sz;

		if (o->freed || n > sf->nr_objs)
			continue;
		ext[n].start = (unsigned long)o->obj;
		if (o->cache_id) {
			struct rmm_cache *c = ((struct slab_file_cache *)
				xa_load(&sf->caches, o->cache_id))->cache;

			sz = c->object_size;
			ext[n].align = c->align;
		} else {
			sz = rmm_ksize(f->mm, o->obj);
			/* kmalloc: power-of-two sizes naturally aligned */
			ext[n].align = (sz & (sz - 1)) ? 8 :
				min_t(size_t, sz, PAGE_SIZE);
		}
		ext[n].end = ext[n].start + sz;
		n++;
	}
	sort(ext, n, sizeof(*ext), cmp_extent, NULL);
	for (i = 0; i < n && !ret; i++) {
		if (ext[i].start & (ext[i].align - 1)) {
			pr_err("RMM_IOC_SLAB_VALIDATE: object not %lu-aligned\n",
			       ext[i].align);
			ret = -EFAULT;
		}
		if (i && ext[i].start < ext[i - 1].end) {
			pr_err("RMM_IOC_SLAB_VALIDATE: two objects overlap by %lu bytes\n",
			       ext[i - 1].end - ext[i].start);
			ret = -EFAULT;
		}
	}
	kvfree(ext);
	return ret;
}

long rmm_slab_ioctl(struct rmm_file *f, unsigned int cmd, unsigned long arg)
{
	void __user *up = (void __user *)arg;
	struct slab_file *sf;
	long ret;

	if (!f->mm || !f->mm->slab)
		return -ENODEV;
	mutex_lock(&f->lock);
	sf = slab_file_get(f);
	if (!sf) {
		mutex_unlock(&f->lock);
		return -ENOMEM;
	}
	switch (cmd) {
	case RMM_IOC_CACHE_CREATE:
		ret = ioc_cache_create(f, sf, up);
		break;
	case RMM_IOC_CACHE_DESTROY:
		ret = ioc_cache_destroy(f, sf, up);
		break;
	case RMM_IOC_CACHE_ALLOC:
		ret = ioc_cache_alloc(f, sf, up);
		break;
	case RMM_IOC_CACHE_FREE:
		ret = ioc_cache_free(f, sf, up);
		break;
	case RMM_IOC_OBJ_WRITE:
		ret = ioc_obj_write(f, sf, up);
		break;
	case RMM_IOC_CACHE_SHRINK:
		ret = ioc_cache_shrink(f, sf, up);
		break;
	case RMM_IOC_KMALLOC:
		ret = ioc_kmalloc(f, sf, up);
		break;
	case RMM_IOC_KFREE:
		ret = ioc_kfree(f, sf, up);
		break;
	case RMM_IOC_SLAB_VALIDATE:
		ret = ioc_slab_validate(f, sf);
		break;
	default:
		ret = -ENOTTY;
	}
	mutex_unlock(&f->lock);
	return ret;
}

void rmm_slab_release(struct rmm_file *f)
{
	struct slab_file *sf = f->slab_priv;
	struct slab_file_cache *fc;
	struct slab_file_obj *o;
	unsigned long idx;

	if (!sf)
		return;
	xa_for_each(&sf->objs, idx, o) {
		if (!o->freed)
			free_obj(sf, o, f->mm);
		kfree(o);
	}
	xa_destroy(&sf->objs);
	xa_for_each(&sf->caches, idx, fc) {
		/* every object was freed above: only a bug keeps a cache */
		WARN_ON(rmm_cache_destroy(fc->cache));
		kfree(fc);
	}
	xa_destroy(&sf->caches);
	kfree(sf);
	f->slab_priv = NULL;
}
