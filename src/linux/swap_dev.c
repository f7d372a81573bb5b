// SPDX-License-Identifier: GPL-2.0
/*
 * Swap devices of regionmm: the Linux side of swapon/swapoff (the core's
 * slots, counts and swap cache are src/core/swapfile.c).
 *
 * A device is a regular file or a block device prepared with mkswap.
 * swapon (swapfile= at load, RMM_IOC_SWAPON at run time) does what the
 * kernel's sys_swapon() does, in its order:
 *   - open the path O_RDWR | O_LARGEFILE | O_EXCL: for a block device
 *     O_EXCL is an exclusive claim (blkdev_open() on 6.1 and 6.12), so a
 *     device that is mounted, the kernel's swap or otherwise claimed is
 *     refused with -EBUSY, and nobody can claim it while regionmm holds it;
 *   - under the inode lock of the mapping's host (the file's inode, or the
 *     block device's), refuse an inode with S_SWAPFILE (the kernel's swap
 *     or regionmm's already) and set S_SWAPFILE: from then on the kernel's
 *     swapon refuses it (-EBUSY) and write(), truncate and fallocate get
 *     ETXTBSY, so the header and a file's blocks cannot change under us;
 *   - write back what the page cache holds (mkswap's header, a file's
 *     delayed allocations), read page 0 through the page cache and check
 *     union swap_header: "SWAPSPACE2", version 1, last_page >= 1 (the
 *     header and one slot), no bad pages, and a device at least
 *     last_page + 1 pages long; at most RMM_SWP_MAX_PAGES are used;
 *   - a regular file is mapped to the sectors of its file system's block
 *     device with bmap(), as generic_swapfile_activate() does: every page
 *     must be allocated (no holes), start on a page boundary on disk and
 *     be contiguous there; the map is kept as extents;
 *   - rmm_swapon() gives the core the device (cookie: the rmm_swap_dev).
 * swapoff is rmm_swapoff() (every page back first, -ENOMEM when they
 * cannot fit: the device then stays on), then S_SWAPFILE cleared and the
 * file closed (which ends the exclusive claim).
 *
 * I/O (mm->ops->swap_io): S_SWAPFILE makes kernel_write() fail with
 * ETXTBSY (generic_write_checks()) and regionmm's pages may have no
 * struct page (memmap= carve-outs), so, as the kernel's own swap does,
 * each page is one synchronous bio to the block device (the file's
 * extents give the sector), through a bounce page from a mempool (never
 * fails, waits instead).  The reads of a swap readahead
 * (mm->ops->swap_read_batch) are one bio a page too, all submitted under
 * one plug before any is waited for.  The page cache of the device or
 * file is left alone, as the kernel's swap leaves it.
 *
 * Unload: every open /dev/regionmm and every memory object (through its
 * file) holds a module reference, and only memory objects hold swap
 * entries, so while anything is swapped rmmod is refused by the module
 * loader (EBUSY, "in use") and nothing is lost.  module_exit cannot fail:
 * it swaps every device off (nothing is in use by then, so nothing has to
 * be read back) and releases the devices.
 *
 * Invariants: a device is on rmm_swap_devs exactly while the core has it
 * (rmm_swapon() succeeded, rmm_swapoff() not yet); its file is open with
 * S_SWAPFILE set on its host inode from before the header is read until
 * after rmm_swapoff(); @inflight counts swap_io and swap_read_batch
 * calls using it.
 *
 * Locking: rmm_swap_devs_lock (mutex) serialises swapon, swapoff, exit and
 * /proc/regionmm/swaps; it is taken with no core lock held and the core's
 * swapon/swapoff (swap->lock, si->lock, memobj locks) nest inside it.  The
 * inode lock is taken only to test and set S_SWAPFILE.  swap_io takes no
 * lock: the core calls it with no core spinlock held, and the device
 * stays until rmm_swapoff() returned and @inflight dropped to 0.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/namei.h>
#include <linux/blkdev.h>
#include <linux/bio.h>
#include <linux/mempool.h>
#include <linux/pagemap.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/swap.h>
#include <linux/swab.h>
#include <linux/uaccess.h>
#include <linux/wait_bit.h>
#include <linux/workqueue.h>
#include <linux/regionmm.h>
#include "rmm_port.h"
#include "mmzone.h"
#include "swapfile.h"
#include "rmm_glue.h"

/*
 * Why: the kernel names its swap devices at boot in /etc/fstab; a module
 * has no fstab, and a regionmm that swaps from the moment it is loaded
 * (rmm-run workloads started right after insmod) needs its devices given
 * at load.  Run time changes go through RMM_IOC_SWAPON/SWAPOFF.
 */
static char *rmm_param_swapfile;
module_param_named(swapfile, rmm_param_swapfile, charp, 0444);
MODULE_PARM_DESC(swapfile,
	"PATH[,PATH...]: swap devices (regular files or block devices prepared with mkswap) put on at load, with the default priorities -2, -3, ...; a device that cannot be used refuses the load");

struct rmm_swap_extent {
	u64 start_page;		/* first page of the device */
	u64 nr_pages;
	sector_t start_sect;	/* its sector on @bdev */
};

struct rmm_swap_dev {
	struct list_head node;
	struct file *file;
	struct inode *inode;		/* host of f_mapping: S_SWAPFILE */
	struct block_device *bdev;	/* where the I/O goes */
	bool is_bdev;
	u64 nr_pages;			/* pages in use (header included) */
	int type;			/* the core's */
	atomic_t inflight;		/* swap_io, swap_read_batch under way */
	unsigned int nr_ext;
	struct rmm_swap_extent *ext;	/* sorted by start_page */
	char *name;			/* d_path, for logs and the core */
};

static LIST_HEAD(rmm_swap_devs);
static DEFINE_MUTEX(rmm_swap_devs_lock);
static struct rmm_mm *rmm_swap_mm;
static mempool_t *rmm_swap_bounce;
static struct proc_dir_entry *rmm_swaps_pde;
#define RMM_SWAP_BOUNCE_MIN	4

/* ------------------------------------------------------------- I/O */

static int rmm_swap_dev_sector(struct rmm_swap_dev *d, u64 page,
			       sector_t *sect)
{
	unsigned int lo = 0, hi = d->nr_ext;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		struct rmm_swap_extent *e = &d->ext[mid];

		if (page < e->start_page)
			hi = mid;
		else if (page >= e->start_page + e->nr_pages)
			lo = mid + 1;
		else {
			*sect = e->start_sect +
				((page - e->start_page) << (PAGE_SHIFT - 9));
			return 0;
		}
	}
	return -EIO;
}

/*
 * One page to or from the device, synchronously, through a bounce page
 * (bio_add_page() needs a struct page; memmap= pages have none).
 */
static int rmm_swap_dev_rw(struct rmm_swap_dev *d, u64 page, void *addr,
			   bool write)
{
	struct page *bounce;
	struct bio *bio;
	sector_t sect;
	int ret;

	ret = rmm_swap_dev_sector(d, page, &sect);
	if (ret)
		return ret;
	bounce = mempool_alloc(rmm_swap_bounce, GFP_NOIO);
	if (write)
		memcpy(page_address(bounce), addr, PAGE_SIZE);
	bio = bio_alloc(d->bdev, 1, write ? REQ_OP_WRITE | REQ_SYNC | REQ_SWAP :
			REQ_OP_READ, GFP_NOIO);
	bio->bi_iter.bi_sector = sect;
	__bio_add_page(bio, bounce, PAGE_SIZE, 0);
	ret = submit_bio_wait(bio);
	bio_put(bio);
	if (!ret && !write)
		memcpy(addr, page_address(bounce), PAGE_SIZE);
	mempool_free(bounce, rmm_swap_bounce);
	return ret;
}

/*
 * Reclaim's writes (mm->ops->swap_write_async): the page is copied to a
 * bounce page and the bio submitted without waiting, so that one pass of
 * kswapd starts a batch of writes that the block layer merges under the
 * caller's plug (vmscan.c's shrink_lruvec()).  The bio's end (interrupt context) queues
 * its work item on rmm_swap_wq (WQ_MEM_RECLAIM: reclaim waits on it),
 * which hands the result to the core (rmm_swap_end_write()) and only
 * then drops @inflight, so swapoff and unload wait for the core's end
 * too.  The bio comes from rmm_swap_bioset (a mempool: it never fails,
 * it waits).
 */
struct rmm_swap_wio {
	struct work_struct work;
	struct rmm_swap_dev *d;
	struct rmm_mm *mm;
	struct rmm_page *page;		/* the core's, handed back at the end */
	struct page *bounce;
	struct bio bio;			/* last: the bioset's front_pad */
};

static struct bio_set rmm_swap_bioset;
static bool rmm_swap_bioset_ready;
static struct workqueue_struct *rmm_swap_wq;

/*
 * Writes under way, and their limit: each holds a bounce page of the
 * kernel's memory until it ends (the kernel's own swap writes the folio
 * itself and needs none), so without a limit a reclaim pass would take
 * the kernel's memory in proportion to what it writes and could push
 * the kernel towards its own OOM killer.  1 MiB of bounce pages keeps a
 * virtio queue busy; a writer past it waits for an end (its plug is
 * flushed when it sleeps).
 */
#define RMM_SWAP_WRITES_MAX	256
static atomic_t rmm_swap_writes = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(rmm_swap_writes_wait);

static void rmm_swap_write_work(struct work_struct *work)
{
	struct rmm_swap_wio *wio = container_of(work, struct rmm_swap_wio,
						work);
	struct rmm_swap_dev *d = wio->d;
	int err = blk_status_to_errno(wio->bio.bi_status);

	mempool_free(wio->bounce, rmm_swap_bounce);
	rmm_swap_end_write(wio->mm, wio->page, err);
	bio_put(&wio->bio);
	atomic_dec(&rmm_swap_writes);
	wake_up(&rmm_swap_writes_wait);
	if (atomic_dec_and_test(&d->inflight))
		wake_up_var(&d->inflight);
}

static void rmm_swap_write_endio(struct bio *bio)
{
	struct rmm_swap_wio *wio = container_of(bio, struct rmm_swap_wio, bio);

	INIT_WORK(&wio->work, rmm_swap_write_work);
	queue_work(rmm_swap_wq, &wio->work);
}

int rmm_swap_dev_write_async(struct rmm_mm *mm, u64 dev_cookie, u64 offset,
			     void *addr, struct rmm_page *page)
{
	struct rmm_swap_dev *d = (struct rmm_swap_dev *)(uintptr_t)dev_cookie;
	struct rmm_swap_wio *wio;
	struct bio *bio;
	sector_t sect;
	int ret;

	might_sleep();
	if (WARN_ON_ONCE(!d || !offset || offset >= d->nr_pages))
		return -EIO;
	ret = rmm_swap_dev_sector(d, offset, &sect);
	if (ret)
		return ret;
	wait_event(rmm_swap_writes_wait,
		   atomic_add_unless(&rmm_swap_writes, 1, RMM_SWAP_WRITES_MAX));
	atomic_inc(&d->inflight);
	/* swap_writepage_bdev_async(): no REQ_SYNC under WB_SYNC_NONE */
	bio = bio_alloc_bioset(d->bdev, 1, REQ_OP_WRITE | REQ_SWAP, GFP_NOIO,
			       &rmm_swap_bioset);
	wio = container_of(bio, struct rmm_swap_wio, bio);
	wio->d = d;
	wio->mm = mm;
	wio->page = page;
	wio->bounce = mempool_alloc(rmm_swap_bounce, GFP_NOIO);
	memcpy(page_address(wio->bounce), addr, PAGE_SIZE);
	bio->bi_iter.bi_sector = sect;
	bio->bi_end_io = rmm_swap_write_endio;
	__bio_add_page(bio, wio->bounce, PAGE_SIZE, 0);
	submit_bio(bio);
	return 0;
}

int rmm_swap_dev_io(struct rmm_mm *mm, u64 dev_cookie, u64 offset,
		    void *addr, bool write)
{
	struct rmm_swap_dev *d = (struct rmm_swap_dev *)(uintptr_t)dev_cookie;
	int ret;

	might_sleep();
	/* page 0 is the header: the core never allocates it */
	if (WARN_ON_ONCE(!d || !offset || offset >= d->nr_pages))
		return -EIO;
	atomic_inc(&d->inflight);
	ret = rmm_swap_dev_rw(d, offset, addr, write);
	if (atomic_dec_and_test(&d->inflight))
		wake_up_var(&d->inflight);
	/* an error is logged by the core (rmm_swap_writepage/readpage) */
	return ret;
}

/*
 * Swap readahead's reads (the core's rmm_swap_read_batch()): one bio a
 * page, all submitted under one plug (adjacent sectors merge into one
 * request, as under swap_vma_readahead()'s blk_plug) before waiting for
 * any, so a batch costs about one device round trip.  A completion
 * counter (biased by one while submitting) wakes the waiter.  Bounce
 * pages: the first page's from the mempool, waiting if need be (nothing
 * else of the pool held then); the others' only if the pool gives them
 * at once, so one task never waits on the pool while holding some of
 * it; a page that got none is read alone afterwards, as is every page
 * when the batch state cannot be allocated.
 */
struct rmm_swap_rd {
	struct bio *bio;
	struct page *bounce;
	int err;
};

struct rmm_swap_rd_batch {
	atomic_t pending;
	struct completion done;
	struct rmm_swap_rd rd[];
};

static void rmm_swap_rd_end_io(struct bio *bio)
{
	struct rmm_swap_rd_batch *rb = bio->bi_private;

	/* the waiter reads bi_status and puts the bio */
	if (atomic_dec_and_test(&rb->pending))
		complete(&rb->done);
}

void rmm_swap_dev_read_batch(struct rmm_mm *mm, u64 dev_cookie,
			     const u64 *offsets, void *const *addrs, int nr,
			     int *errs)
{
	struct rmm_swap_dev *d = (struct rmm_swap_dev *)(uintptr_t)dev_cookie;
	struct rmm_swap_rd_batch *rb;
	struct blk_plug plug;
	int i;

	might_sleep();
	if (WARN_ON_ONCE(!d)) {
		for (i = 0; i < nr; i++)
			errs[i] = -EIO;
		return;
	}
	rb = kzalloc(struct_size(rb, rd, nr), GFP_NOIO | __GFP_NOWARN);
	if (!rb) {
		for (i = 0; i < nr; i++)
			errs[i] = rmm_swap_dev_io(mm, dev_cookie, offsets[i],
						  addrs[i], false);
		return;
	}
	atomic_inc(&d->inflight);
	atomic_set(&rb->pending, 1);
	init_completion(&rb->done);
	blk_start_plug(&plug);
	for (i = 0; i < nr; i++) {
		struct rmm_swap_rd *rd = &rb->rd[i];
		sector_t sect;

		errs[i] = 0;
		/* page 0 is the header: the core never allocates it */
		if (WARN_ON_ONCE(!offsets[i] || offsets[i] >= d->nr_pages) ||
		    rmm_swap_dev_sector(d, offsets[i], &sect)) {
			rd->err = -EIO;
			continue;
		}
		rd->bounce = mempool_alloc(rmm_swap_bounce, i ? GFP_NOWAIT |
					   __GFP_NOWARN : GFP_NOIO);
		if (!rd->bounce)
			continue;	/* read alone below */
		rd->bio = bio_alloc(d->bdev, 1, REQ_OP_READ, GFP_NOIO);
		rd->bio->bi_iter.bi_sector = sect;
		__bio_add_page(rd->bio, rd->bounce, PAGE_SIZE, 0);
		rd->bio->bi_private = rb;
		rd->bio->bi_end_io = rmm_swap_rd_end_io;
		atomic_inc(&rb->pending);
		submit_bio(rd->bio);
	}
	blk_finish_plug(&plug);
	if (!atomic_dec_and_test(&rb->pending))
		wait_for_completion_io(&rb->done);
	for (i = 0; i < nr; i++) {
		struct rmm_swap_rd *rd = &rb->rd[i];

		if (!rd->bio)
			continue;
		errs[i] = blk_status_to_errno(rd->bio->bi_status);
		if (!errs[i])
			memcpy(addrs[i], page_address(rd->bounce), PAGE_SIZE);
		bio_put(rd->bio);
		mempool_free(rd->bounce, rmm_swap_bounce);
	}
	for (i = 0; i < nr; i++) {
		struct rmm_swap_rd *rd = &rb->rd[i];

		if (rd->err)
			errs[i] = rd->err;
		else if (!rd->bio)
			errs[i] = rmm_swap_dev_rw(d, offsets[i], addrs[i],
						  false);
	}
	kfree(rb);
	if (atomic_dec_and_test(&d->inflight))
		wake_up_var(&d->inflight);
	/* an error is logged by the core (rmm_swap_read_batch) */
}

/* ------------------------------------------------------------- swapon */

/* a regular file's pages to sectors, with bmap() (generic_swapfile_activate) */
static int rmm_swap_map_file(struct rmm_swap_dev *d, const char **why)
{
	struct inode *inode = d->inode;
	unsigned int blkbits = inode->i_blkbits;
	unsigned int per_page = 1U << (PAGE_SHIFT - blkbits);
	unsigned int max_ext = 16, n = 0, i;
	struct rmm_swap_extent *ext;
	u64 page;

	if (!inode->i_sb->s_bdev) {
		*why = "its file system has no block device to write to";
		return -EINVAL;
	}
	d->bdev = inode->i_sb->s_bdev;
	ext = kvmalloc_array(max_ext, sizeof(*ext), GFP_KERNEL);
	if (!ext)
		return -ENOMEM;
	for (page = 0; page < d->nr_pages; page++) {
		sector_t first = (sector_t)page << (PAGE_SHIFT - blkbits);
		sector_t b0 = first, sect;
		int ret = bmap(inode, &b0);

		if (ret || !b0) {
			*why = ret ? "its file system cannot map file blocks to the disk (no bmap)" :
				     "the file has holes (create it with dd, not truncate or fallocate)";
			kvfree(ext);
			return -EINVAL;
		}
		if (b0 & (per_page - 1)) {
			*why = "a page of the file does not start on a page boundary on the disk";
			kvfree(ext);
			return -EINVAL;
		}
		for (i = 1; i < per_page; i++) {
			sector_t b = first + i;

			if (bmap(inode, &b) || b != b0 + i) {
				*why = "a page of the file is not contiguous on the disk";
				kvfree(ext);
				return -EINVAL;
			}
		}
		sect = b0 << (blkbits - 9);
		if (n && ext[n - 1].start_sect +
			 (ext[n - 1].nr_pages << (PAGE_SHIFT - 9)) == sect) {
			ext[n - 1].nr_pages++;
		} else {
			if (n == max_ext) {
				struct rmm_swap_extent *e;

				e = kvmalloc_array(max_ext * 2, sizeof(*e),
						   GFP_KERNEL);
				if (!e) {
					kvfree(ext);
					return -ENOMEM;
				}
				memcpy(e, ext, n * sizeof(*e));
				kvfree(ext);
				ext = e;
				max_ext *= 2;
			}
			ext[n].start_page = page;
			ext[n].nr_pages = 1;
			ext[n].start_sect = sect;
			n++;
		}
		cond_resched();
	}
	d->ext = ext;
	d->nr_ext = n;
	return 0;
}

/*
 * Page 0 (union swap_header, read through the page cache, which holds
 * what mkswap wrote): the pages to use, or 0 and @why.
 */
static u64 rmm_swap_check_header(struct rmm_swap_dev *d, const char **why)
{
	union swap_header *h;
	u64 size_pages = i_size_read(d->inode) >> PAGE_SHIFT;
	u64 nr = 0;
	loff_t pos = 0;
	ssize_t got;

	BUILD_BUG_ON(sizeof(*h) != PAGE_SIZE);
	if (size_pages < 1) {
		*why = "too small: not even one page";
		return 0;
	}
	h = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!h) {
		*why = "out of memory";
		return 0;
	}
	got = kernel_read(d->file, h, PAGE_SIZE, &pos);
	if (got != PAGE_SIZE) {
		*why = "cannot read its first page";
	} else if (memcmp(h->magic.magic, "SWAPSPACE2", 10)) {
		*why = "not prepared with mkswap (no SWAPSPACE2 signature)";
	} else if (h->info.version != 1) {
		*why = swab32(h->info.version) == 1 ?
			"prepared with mkswap on a machine of the other byte order" :
			"swap header version is not 1";
	} else if (h->info.last_page < 1) {
		*why = "too small: its swap header has no page besides itself";
	} else if (h->info.nr_badpages) {
		*why = "its swap header lists bad pages (not supported)";
	} else if ((u64)h->info.last_page + 1 > size_pages) {
		*why = "shorter than its swap header says (mkswap of a bigger device?)";
	} else {
		nr = (u64)h->info.last_page + 1;
		if (nr > RMM_SWP_MAX_PAGES) {
			pr_warn("swapon %s: truncating oversized swap area, only using %lluk out of %lluk\n",
				d->name, (u64)RMM_SWP_MAX_PAGES << (PAGE_SHIFT - 10),
				nr << (PAGE_SHIFT - 10));
			nr = RMM_SWP_MAX_PAGES;
		}
	}
	kfree(h);
	return nr;
}

static void rmm_swap_dev_free(struct rmm_swap_dev *d)
{
	kvfree(d->ext);
	kfree(d->name);
	kfree(d);
}

/* S_SWAPFILE off again (sys_swapoff()) */
static void rmm_swap_dev_unclaim(struct rmm_swap_dev *d)
{
	inode_lock(d->inode);
	d->inode->i_flags &= ~S_SWAPFILE;
	inode_unlock(d->inode);
}

static char *rmm_swap_dev_name(struct file *file)
{
	char *buf = kmalloc(PATH_MAX, GFP_KERNEL), *p, *name;

	if (!buf)
		return NULL;
	p = d_path(&file->f_path, buf, PATH_MAX);
	name = kstrdup(IS_ERR(p) ? "(unknown)" : p, GFP_KERNEL);
	kfree(buf);
	return name;
}

/*
 * swapon @path with priority @prio (RMM_SWAP_FLAG_PREFER in @flags, else
 * the next default).  0 or -errno; every refusal logs one line.
 */
static int rmm_swap_dev_on(const char *path, int prio, unsigned int flags)
{
	const char *why = NULL;
	struct rmm_swap_dev *d;
	struct file *file;
	int ret;

	lockdep_assert_held(&rmm_swap_devs_lock);
	if (!rmm_swap_mm->swap) {
		pr_warn("swapon %s: the core's swap is not set up (rmm_swap_init)\n",
			path);
		return -ENODEV;
	}
	file = filp_open(path, O_RDWR | O_LARGEFILE | O_EXCL, 0);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		pr_warn("swapon %s: %s (%d)\n", path,
			ret == -ENOENT ? "no such file or device" :
			ret == -EBUSY ? "busy: mounted, the kernel's swap, or claimed by another user" :
			ret == -ETXTBSY ? "busy: in use as swap" :
			"cannot open it", ret);
		return ret;
	}
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d) {
		fput(file);
		return -ENOMEM;
	}
	d->file = file;
	d->inode = file->f_mapping->host;
	d->is_bdev = S_ISBLK(d->inode->i_mode);
	atomic_set(&d->inflight, 0);
	d->name = rmm_swap_dev_name(file);
	if (!d->name) {
		ret = -ENOMEM;
		goto out_free;
	}
	if (!d->is_bdev && !S_ISREG(d->inode->i_mode)) {
		pr_warn("swapon %s: not a regular file or a block device\n",
			path);
		ret = -EINVAL;
		goto out_free;
	}

	/* claim_swapfile() + the IS_SWAPFILE test of sys_swapon() */
	inode_lock(d->inode);
	if (d_unlinked(file->f_path.dentry)) {
		inode_unlock(d->inode);
		pr_warn("swapon %s: the file was deleted\n", path);
		ret = -ENOENT;
		goto out_free;
	}
	if (IS_SWAPFILE(d->inode)) {
		inode_unlock(d->inode);
		pr_warn("swapon %s: busy: already in use as swap (by the kernel or regionmm)\n",
			path);
		ret = -EBUSY;
		goto out_free;
	}
	d->inode->i_flags |= S_SWAPFILE;
	inode_unlock(d->inode);

	/* mkswap's header (and a file's delayed allocations) on the disk */
	ret = filemap_write_and_wait(file->f_mapping);
	if (ret) {
		why = "cannot write back its page cache";
		goto out_unclaim;
	}
	d->nr_pages = rmm_swap_check_header(d, &why);
	if (!d->nr_pages) {
		ret = -EINVAL;
		goto out_unclaim;
	}
	if (d->is_bdev) {
		d->bdev = I_BDEV(d->inode);
		d->ext = kvmalloc(sizeof(*d->ext), GFP_KERNEL);
		if (!d->ext) {
			ret = -ENOMEM;
			goto out_unclaim;
		}
		d->ext[0].start_page = 0;
		d->ext[0].nr_pages = d->nr_pages;
		d->ext[0].start_sect = 0;
		d->nr_ext = 1;
	} else {
		ret = rmm_swap_map_file(d, &why);
		if (ret)
			goto out_unclaim;
	}
	ret = rmm_swapon(rmm_swap_mm, (u64)(uintptr_t)d, d->name, d->nr_pages,
			 prio, flags);
	if (ret < 0) {
		why = ret == -EPERM ? "too many swap devices" :
		      ret == -EINVAL ? "too small" : "the core refused it";
		goto out_unclaim;
	}
	/* the core said "Adding ...k swap on ...", as the kernel does */
	d->type = ret;
	list_add_tail(&d->node, &rmm_swap_devs);
	return 0;

out_unclaim:
	rmm_swap_dev_unclaim(d);
	if (why)
		pr_warn("swapon %s: %s\n", path, why);
out_free:
	fput(file);
	rmm_swap_dev_free(d);
	return ret;
}

/* ------------------------------------------------------------- swapoff */

static int rmm_swap_dev_off(struct rmm_swap_dev *d)
{
	u64 cookie = 0;
	int ret;

	lockdep_assert_held(&rmm_swap_devs_lock);
	ret = rmm_swapoff(rmm_swap_mm, d->type, &cookie);
	if (ret) {
		/* the core explains -ENOMEM itself ("... do not fit in memory") */
		if (ret != -ENOMEM)
			pr_warn("swapoff %s: refused (%d)\n", d->name, ret);
		return ret;
	}
	WARN_ON_ONCE(cookie != (u64)(uintptr_t)d);
	wait_var_event(&d->inflight, !atomic_read(&d->inflight));
	list_del(&d->node);
	rmm_swap_dev_unclaim(d);
	fput(d->file);
	pr_info("swapoff %s\n", d->name);
	rmm_swap_dev_free(d);
	return 0;
}

/* the device @path names: the same block device, or the same file */
static struct rmm_swap_dev *rmm_swap_dev_find(const char *path)
{
	struct rmm_swap_dev *d, *found = NULL;
	struct inode *inode;
	struct path p;

	lockdep_assert_held(&rmm_swap_devs_lock);
	if (kern_path(path, LOOKUP_FOLLOW, &p))
		return NULL;
	inode = d_backing_inode(p.dentry);
	list_for_each_entry(d, &rmm_swap_devs, node) {
		if (d->is_bdev ? S_ISBLK(inode->i_mode) &&
				 inode->i_rdev == d->bdev->bd_dev :
				 inode == d->inode) {
			found = d;
			break;
		}
	}
	path_put(&p);
	return found;
}

static int rmm_swap_dev_off_path(const char *path)
{
	struct rmm_swap_dev *d = rmm_swap_dev_find(path);

	if (!d) {
		pr_warn("swapoff %s: not a regionmm swap device\n", path);
		return -EINVAL;
	}
	return rmm_swap_dev_off(d);
}

/* ------------------------------------------------------------- ioctls */

static char *rmm_swap_user_path(u64 uptr)
{
	char *p = strndup_user(u64_to_user_ptr(uptr), PATH_MAX);

	return p;
}

long rmm_swap_ioctl(unsigned int cmd, unsigned long arg)
{
	void __user *argp = (void __user *)arg;
	char *path;
	long ret;

	switch (cmd) {
	case RMM_IOC_SWAPON: {
		struct rmm_ioc_swapon a;

		if (copy_from_user(&a, argp, sizeof(a)))
			return -EFAULT;
		if (a.flags & ~RMM_IOC_SWAP_PREFER || a.pad || a.pad2) {
			pr_warn_ratelimited("RMM_IOC_SWAPON: flags %#x: unknown bits or pad set\n",
					    a.flags);
			return -EINVAL;
		}
		if ((a.flags & RMM_IOC_SWAP_PREFER) &&
		    (a.prio < 0 || a.prio > RMM_IOC_SWAP_PRIO_MAX)) {
			pr_warn_ratelimited("RMM_IOC_SWAPON: prio %d: not in 0..%d\n",
					    a.prio, RMM_IOC_SWAP_PRIO_MAX);
			return -EINVAL;
		}
		path = rmm_swap_user_path(a.path);
		if (IS_ERR(path))
			return PTR_ERR(path);
		mutex_lock(&rmm_swap_devs_lock);
		ret = !rmm_swap_mm ? -ENODEV :
		      rmm_swap_dev_on(path, a.flags & RMM_IOC_SWAP_PREFER ?
				      a.prio : -1,
				      a.flags & RMM_IOC_SWAP_PREFER ?
				      RMM_SWAP_FLAG_PREFER : 0);
		mutex_unlock(&rmm_swap_devs_lock);
		kfree(path);
		return ret;
	}
	case RMM_IOC_SWAPOFF: {
		struct rmm_ioc_swapoff a;

		if (copy_from_user(&a, argp, sizeof(a)))
			return -EFAULT;
		if (a.flags || a.pad) {
			pr_warn_ratelimited("RMM_IOC_SWAPOFF: flags %#x: must be 0\n",
					    a.flags);
			return -EINVAL;
		}
		path = rmm_swap_user_path(a.path);
		if (IS_ERR(path))
			return PTR_ERR(path);
		mutex_lock(&rmm_swap_devs_lock);
		ret = !rmm_swap_mm ? -ENODEV : rmm_swap_dev_off_path(path);
		mutex_unlock(&rmm_swap_devs_lock);
		kfree(path);
		return ret;
	}
	default:
		return -ENOTTY;
	}
}

/* ------------------------------------------------------------- /proc */

static int rmm_swap_line_cmp(const void *a, const void *b)
{
	const struct rmm_swap_line *x = a, *y = b;

	return x->type - y->type;
}

/*
 * /proc/regionmm/swaps: /proc/swaps' format (swap_show(), the same on
 * 6.1 and 6.12), one line per device in type order as the kernel's.
 */
static int rmm_swaps_show(struct seq_file *m, void *v)
{
	struct rmm_swap_line l[RMM_MAX_SWAPFILES];
	int i, n = 0;

	seq_puts(m, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
	mutex_lock(&rmm_swap_devs_lock);
	while (rmm_swap_mm->swap && n < RMM_MAX_SWAPFILES &&
	       rmm_swap_info(rmm_swap_mm, n, &l[n]))
		n++;
	sort(l, n, sizeof(l[0]), rmm_swap_line_cmp, NULL);
	for (i = 0; i < n; i++) {
		struct rmm_swap_dev *d =
			(struct rmm_swap_dev *)(uintptr_t)l[i].dev_cookie;
		unsigned long bytes = l[i].size_pages << (PAGE_SHIFT - 10);
		unsigned long inuse = l[i].used_pages << (PAGE_SHIFT - 10);
		int len = seq_file_path(m, d->file, " \t\n\\");

		seq_printf(m, "%*s%s\t%lu\t%s%lu\t%s%d\n",
			   len < 40 ? 40 - len : 1, " ",
			   d->is_bdev ? "partition" : "file\t",
			   bytes, bytes < 10000000 ? "\t" : "",
			   inuse, inuse < 10000000 ? "\t" : "",
			   l[i].prio);
	}
	mutex_unlock(&rmm_swap_devs_lock);
	return 0;
}

/* ------------------------------------------------------------- init/exit */

void rmm_swap_dev_exit(struct rmm_mm *mm)
{
	struct rmm_swap_dev *d, *tmp;

	proc_remove(rmm_swaps_pde);
	rmm_swaps_pde = NULL;
	mutex_lock(&rmm_swap_devs_lock);
	list_for_each_entry_safe(d, tmp, &rmm_swap_devs, node) {
		if (rmm_swap_dev_off(d)) {
			/*
			 * Cannot happen at unload (nothing holds swap
			 * entries without a module reference); the device
			 * is released anyway, its slots are lost.
			 */
			pr_err("unload: %s could not be swapped off; released anyway\n",
			       d->name);
			list_del(&d->node);
			rmm_swap_dev_unclaim(d);
			fput(d->file);
			rmm_swap_dev_free(d);
		}
	}
	rmm_swap_mm = NULL;
	mutex_unlock(&rmm_swap_devs_lock);
	if (rmm_swap_wq) {
		destroy_workqueue(rmm_swap_wq);
		rmm_swap_wq = NULL;
	}
	if (rmm_swap_bioset_ready)
		bioset_exit(&rmm_swap_bioset);
	rmm_swap_bioset_ready = false;
	mempool_destroy(rmm_swap_bounce);
	rmm_swap_bounce = NULL;
}

int rmm_swap_dev_init(struct rmm_mm *mm)
{
	char *list, *s, *path;
	int ret = 0;

	rmm_swap_bounce = mempool_create_page_pool(RMM_SWAP_BOUNCE_MIN, 0);
	if (!rmm_swap_bounce)
		return -ENOMEM;
	if (bioset_init(&rmm_swap_bioset, RMM_SWAP_BOUNCE_MIN,
			offsetof(struct rmm_swap_wio, bio), BIOSET_NEED_BVECS)) {
		rmm_swap_dev_exit(mm);
		return -ENOMEM;
	}
	rmm_swap_bioset_ready = true;
	rmm_swap_wq = alloc_workqueue("rmm_swap_io", WQ_MEM_RECLAIM, 0);
	if (!rmm_swap_wq) {
		rmm_swap_dev_exit(mm);
		return -ENOMEM;
	}
	mutex_lock(&rmm_swap_devs_lock);
	rmm_swap_mm = mm;
	mutex_unlock(&rmm_swap_devs_lock);
	/* in procfs.c's /proc/regionmm */
	rmm_swaps_pde = proc_create_single("regionmm/swaps", 0444, NULL,
					   rmm_swaps_show);
	if (!rmm_swaps_pde) {
		pr_err("swap: cannot create /proc/regionmm/swaps\n");
		rmm_swap_dev_exit(mm);
		return -ENOMEM;
	}
	if (!rmm_param_swapfile || !*rmm_param_swapfile)
		return 0;
	list = kstrdup(rmm_param_swapfile, GFP_KERNEL);
	if (!list) {
		rmm_swap_dev_exit(mm);
		return -ENOMEM;
	}
	s = list;
	mutex_lock(&rmm_swap_devs_lock);
	while ((path = strsep(&s, ",")) != NULL) {
		if (!*path)
			continue;
		ret = rmm_swap_dev_on(path, -1, 0);
		if (ret)
			break;
	}
	mutex_unlock(&rmm_swap_devs_lock);
	kfree(list);
	if (ret)
		rmm_swap_dev_exit(mm);
	return ret;
}
