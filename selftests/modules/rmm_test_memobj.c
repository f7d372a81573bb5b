// SPDX-License-Identifier: GPL-2.0
/*
 * rmm_test_memobj - the core of memory objects (src/core/memobj.c) inside
 * the kernel, on regionmm's global instance, before any glue maps them:
 * the kernel port's sleeping locks (struct mutex, lockdep's nest_lock for
 * several views under the object lock), copy_page() on region memory
 * (KASAN), kvzalloc'd index nodes (kmemleak) and the node counters.
 *
 *   shared   faults allocate zeroed pages, punch and set_size give them
 *            back, NR_FILE_PAGES/NR_SHMEM/NR_FILE_MAPPED move by the
 *            hand-counted amounts
 *   cow      fork, read fault read-only, write fault copies (contents
 *            carried, the parent's unchanged), parent's write reuses,
 *            three-way fork, NR_ANON_MAPPED
 *   migrate  pages shared by two views after fork moved to new pages
 *            (rmm_migrate_pages()): both views hold them, bytes intact
 *   threads  two kthreads fork their own views of one parent and fault,
 *            write and punch while the init thread validates
 *   clean    every page and byte of metadata back, counters as before
 * Every case logs "rmm_test_memobj: ok: NAME" or "... FAIL: NAME"; a
 * failure makes insmod fail (-EINVAL) after freeing everything.
 *
 * Built with the core's headers (src/core, kernel port): the memobj
 * functions are exported by regionmm.ko.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/random.h>
#include <linux/string.h>
#include <regionmm/regionmm.h>
#include "memobj.h"
#include "migrate.h"
#include "page_alloc.h"
#include "vmstat.h"

#define TNAME "rmm_test_memobj: "
#define GFP RMM_GFP_HIGHUSER_MOVABLE

static struct rmm_mm *mm;
static int failures;

static void check(bool cond, const char *name)
{
	if (cond) {
		pr_info(TNAME "ok: %s\n", name);
	} else {
		failures++;
		pr_err(TNAME "FAIL: %s\n", name);
	}
}

static long stat_sum(enum rmm_node_stat_item i)
{
	long sum = 0;
	int n;

	for (n = 0; n < mm->nr_nodes; n++)
		sum += rmm_node_page_state(&mm->nodes[n], i);
	return sum;
}

static u8 *addr(struct rmm_page *p)
{
	return rmm_mm_page_address(mm, p);
}

static int fault(struct rmm_memview *v, u64 pgoff, bool write,
		 struct rmm_fault *f)
{
	int ret;

	memset(f, 0, sizeof(*f));
	f->pgoff = pgoff;
	f->write = write;
	rmm_memview_lock(v);
	ret = rmm_memview_fault(v, f);
	if (!ret && f->replaced) {
		/* nothing maps the old page here: let go of it at once */
		struct rmm_plist vl;

		rmm_plist_init(&vl);
		rmm_memview_fault_done(v, f, &vl);
		rmm_memobj_free_victims(rmm_memview_obj(v), &vl);
	}
	rmm_memview_unlock(v);
	return ret;
}

static void test_shared(void)
{
	long files0 = stat_sum(RMM_NR_FILE_PAGES);
	long shmem0 = stat_sum(RMM_NR_SHMEM);
	long mapped0 = stat_sum(RMM_NR_FILE_MAPPED);
	struct rmm_pgrange r = { .start = 4, .nr = 4 };
	struct rmm_memobj *obj;
	struct rmm_memview *v;
	struct rmm_plist vl;
	struct rmm_fault f;
	bool zero = true, ok = true;
	int i;

	rmm_plist_init(&vl);
	obj = rmm_memobj_create(mm, RMM_MEMOBJ_SHARED, RMM_NUMA_NO_NODE, GFP);
	if (!obj) {
		check(false, "shared: create");
		return;
	}
	rmm_memobj_set_size(obj, 16, &vl);
	v = rmm_memview_get(obj, (u64)(uintptr_t)current->mm);
	if (!v) {
		check(false, "shared: view");
		rmm_memobj_put(obj);
		return;
	}
	for (i = 0; i < 16; i++) {
		if (fault(v, i, true, &f) || !f.page || !f.map_writable) {
			ok = false;
			break;
		}
		if (memchr_inv(addr(f.page), 0, RMM_PAGE_SIZE))
			zero = false;
		memset(addr(f.page), i, RMM_PAGE_SIZE);
	}
	check(ok && zero, "shared: 16 faults give zeroed writable pages");
	check(fault(v, 16, false, &f) == -EFAULT, "shared: fault at the size is -EFAULT");
	check(stat_sum(RMM_NR_FILE_PAGES) - files0 == 16 &&
	      stat_sum(RMM_NR_SHMEM) - shmem0 == 16 &&
	      stat_sum(RMM_NR_FILE_MAPPED) - mapped0 == 16,
	      "shared: NR_FILE_PAGES, NR_SHMEM, NR_FILE_MAPPED +16");
	check(rmm_memview_punch(v, &r, &vl) == 4 && vl.nr == 4,
	      "shared: punch [4, 8) gives 4 victims");
	rmm_memobj_free_victims(obj, &vl);
	rmm_memobj_set_size(obj, 10, &vl);
	check(vl.nr == 6, "shared: set_size 10 gives pgoffs 10-15 as victims");
	rmm_memobj_free_victims(obj, &vl);
	check(stat_sum(RMM_NR_FILE_PAGES) - files0 == 6 &&
	      stat_sum(RMM_NR_FILE_MAPPED) - mapped0 == 6,
	      "shared: NR_FILE_PAGES, NR_FILE_MAPPED +6 after punch and set_size");
	fault(v, 9, false, &f);
	check(f.page && addr(f.page)[100] == 9, "shared: pgoff 9 kept its data");
	check(rmm_memobj_validate(obj) == 0, "shared: validate");
	rmm_memview_put(v);
	rmm_memobj_put(obj);
	check(stat_sum(RMM_NR_FILE_PAGES) == files0 &&
	      stat_sum(RMM_NR_SHMEM) == shmem0 &&
	      stat_sum(RMM_NR_FILE_MAPPED) == mapped0,
	      "shared: counters back after the last reference");
}

static bool all_bytes(struct rmm_page *p, u8 b)
{
	return !memchr_inv(addr(p), b, RMM_PAGE_SIZE);
}

static void test_cow(void)
{
	long anon0 = stat_sum(RMM_NR_ANON_MAPPED);
	struct rmm_memview *a, *b, *c;
	struct rmm_page *old, *copy;
	struct rmm_memobj *obj;
	struct rmm_fault f;
	bool first, ok = true;
	int i;

	obj = rmm_memobj_create(mm, RMM_MEMOBJ_PRIVATE, RMM_NUMA_NO_NODE, GFP);
	a = obj ? rmm_memview_get(obj, 1) : NULL;
	if (!a) {
		check(false, "cow: create");
		if (obj)
			rmm_memobj_put(obj);
		return;
	}
	for (i = 0; i < 64; i++) {
		if (fault(a, i, true, &f)) {
			ok = false;
			break;
		}
		memset(addr(f.page), 0xa0 + (i & 15), RMM_PAGE_SIZE);
	}
	check(ok && stat_sum(RMM_NR_ANON_MAPPED) - anon0 == 64,
	      "cow: 64 private pages, NR_ANON_MAPPED +64");
	b = rmm_memview_fork(a, 2, &first);
	if (!b) {
		check(false, "cow: fork");
		goto out_a;
	}
	check(first, "cow: fork creates the child's view");
	fault(b, 5, false, &f);
	old = f.page;
	check(old && !f.map_writable && all_bytes(old, 0xa5),
	      "cow: child's read fault maps the parent's page read-only");
	fault(b, 5, true, &f);
	copy = f.page;
	check(copy && copy != old && f.replaced && f.map_writable &&
	      all_bytes(copy, 0xa5), "cow: child's write fault copies");
	memset(addr(copy), 0xb5, RMM_PAGE_SIZE);
	check(all_bytes(old, 0xa5), "cow: the parent's page is unchanged");
	fault(a, 5, true, &f);
	check(f.page == old && !f.replaced && f.map_writable,
	      "cow: the parent's write reuses its page (count 1)");
	check(stat_sum(RMM_NR_ANON_MAPPED) - anon0 == 65, "cow: NR_ANON_MAPPED +65");
	c = rmm_memview_fork(b, 3, &first);
	if (c) {
		fault(c, 6, true, &f);
		check(f.replaced && all_bytes(f.page, 0xa6),
		      "cow: a grandchild's write copies the page of three views");
		check(rmm_memobj_validate(obj) == 0, "cow: validate with three views");
		rmm_memview_put(c);
	} else {
		check(false, "cow: second fork");
	}
	rmm_memview_put(b);
out_a:
	rmm_memview_put(a);
	rmm_memobj_put(obj);
	check(stat_sum(RMM_NR_ANON_MAPPED) == anon0, "cow: NR_ANON_MAPPED back");
}

/*
 * migrate: 32 pages of a private object shared by two views after fork
 * move to new pages (rmm_migrate_pages(), the kernel port's trylocks of
 * the object's mutexes, copy_page(), the LRU): both views hold the new
 * pages, with the bytes; the old ones are free again
 */
#define MG_PAGES	32

static struct rmm_page *mg_new(struct rmm_page *src, unsigned long private)
{
	return rmm_mm_alloc_pages(mm, RMM_NUMA_NO_NODE, 0, GFP);
}

static void test_migrate(void)
{
	struct rmm_page *old[MG_PAGES];
	struct rmm_memview *a, *b;
	struct rmm_memobj *obj;
	struct rmm_plist l;
	struct rmm_fault f;
	unsigned int succ = 0;
	bool first, ok = true, moved = true;
	int i, rc;

	obj = rmm_memobj_create(mm, RMM_MEMOBJ_PRIVATE, RMM_NUMA_NO_NODE, GFP);
	a = obj ? rmm_memview_get(obj, 1) : NULL;
	if (!a) {
		check(false, "migrate: create");
		if (obj)
			rmm_memobj_put(obj);
		return;
	}
	for (i = 0; i < MG_PAGES && ok; i++) {
		ok = !fault(a, i, true, &f);
		if (ok) {
			old[i] = f.page;
			memset(addr(f.page), 0xc0 + (i & 15), RMM_PAGE_SIZE);
		}
	}
	b = ok ? rmm_memview_fork(a, 2, &first) : NULL;
	if (!b) {
		check(false, "migrate: pages and fork");
		goto out_a;
	}
	rmm_plist_init(&l);
	for (i = 0; i < MG_PAGES; i++)
		ok &= rmm_isolate_movable_page(mm, old[i], &l);
	check(ok, "migrate: every page of the object isolated");
	rc = rmm_migrate_pages(mm, &l, mg_new, NULL, 0, RMM_MIGRATE_SYNC,
			       RMM_MR_COMPACTION, &succ);
	rmm_putback_movable_pages(mm, &l);
	check(rc == 0 && succ == MG_PAGES, "migrate: all moved");
	for (i = 0; i < MG_PAGES; i++) {
		struct rmm_page *pa, *pb;

		rmm_memview_lock(a);
		pa = rmm_memview_lookup(a, i);
		rmm_memview_unlock(a);
		rmm_memview_lock(b);
		pb = rmm_memview_lookup(b, i);
		rmm_memview_unlock(b);
		moved &= pa && pa == pb && pa != old[i] &&
			all_bytes(pa, 0xc0 + (i & 15));
	}
	check(moved, "migrate: both views hold new pages with the bytes");
	check(rmm_memobj_validate(obj) == 0, "migrate: validate");
	rmm_memview_put(b);
out_a:
	rmm_memview_put(a);
	rmm_memobj_put(obj);
}

#define TH_PAGES	128
#define TH_ITERS	5000

static struct rmm_memobj *th_obj;
static struct rmm_memview *th_parent;
static atomic_t th_errors;

struct th_arg {
	int id;
	struct completion done;
};

static int th_fn(void *arg)
{
	struct th_arg *t = arg;
	struct rmm_memview *v;
	struct rmm_plist vl;
	struct rmm_fault f;
	bool first;
	int i;

	rmm_plist_init(&vl);
	v = rmm_memview_fork(th_parent, 100 + t->id, &first);
	if (!v) {
		atomic_inc(&th_errors);
		goto out;
	}
	for (i = 0; i < TH_ITERS; i++) {
		u32 r = get_random_u32();
		u64 pgoff = r % TH_PAGES;

		if ((r >> 16) % 8) {
			if (fault(v, pgoff, r & (1 << 30), &f)) {
				atomic_inc(&th_errors);
				continue;
			}
			if (f.map_writable)
				memset(addr(f.page), t->id, 64);
		} else {
			struct rmm_pgrange pr = { pgoff, 1 + (r >> 24) % 4 };

			rmm_memview_punch(v, &pr, &vl);
			rmm_memobj_free_victims(th_obj, &vl);
		}
		if (!(i % 256))
			cond_resched();
	}
	rmm_memview_put(v);
out:
	complete(&t->done);
	return 0;
}

static void test_threads(void)
{
	long anon0 = stat_sum(RMM_NR_ANON_MAPPED);
	struct th_arg args[2];
	struct task_struct *task;
	struct rmm_fault f;
	unsigned long bad = 0;
	int i, n = 0;

	th_obj = rmm_memobj_create(mm, RMM_MEMOBJ_PRIVATE, RMM_NUMA_NO_NODE, GFP);
	th_parent = th_obj ? rmm_memview_get(th_obj, 1) : NULL;
	if (!th_parent) {
		check(false, "threads: create");
		if (th_obj)
			rmm_memobj_put(th_obj);
		return;
	}
	for (i = 0; i < TH_PAGES; i++) {
		fault(th_parent, i, true, &f);
		if (f.page)
			memset(addr(f.page), 0x77, RMM_PAGE_SIZE);
	}
	for (i = 0; i < 2; i++) {
		args[i].id = i;
		init_completion(&args[i].done);
		task = kthread_run(th_fn, &args[i], "rmm_memobj_%d", i);
		if (IS_ERR(task)) {
			check(false, "threads: kthread_run");
			break;
		}
		n++;
	}
	for (i = 0; i < 20; i++) {
		bad += rmm_memobj_validate(th_obj);
		msleep(20);
	}
	for (i = 0; i < n; i++)
		wait_for_completion(&args[i].done);
	bad += rmm_memobj_validate(th_obj);
	check(!bad && !atomic_read(&th_errors),
	      "threads: two forked views fault, write and punch; validate clean");
	rmm_memview_lock(th_parent);
	for (i = 0; i < TH_PAGES; i++) {
		struct rmm_page *p = rmm_memview_lookup(th_parent, i);

		if (!p || !all_bytes(p, 0x77))
			break;
	}
	rmm_memview_unlock(th_parent);
	check(i == TH_PAGES, "threads: the parent's pages are untouched");
	check(stat_sum(RMM_NR_ANON_MAPPED) - anon0 == TH_PAGES,
	      "threads: NR_ANON_MAPPED: the parent's pages only");
	rmm_memview_put(th_parent);
	rmm_memobj_put(th_obj);
}

static int __init rmm_test_memobj_init(void)
{
	unsigned long meta0;

	mm = READ_ONCE(rmm_mm_global);
	if (!mm) {
		pr_err(TNAME "FAIL: regionmm has no instance\n");
		return -ENODEV;
	}
	meta0 = rmm_memobj_metadata_bytes(mm);
	test_shared();
	test_cow();
	test_migrate();
	test_threads();
	check(rmm_memobj_metadata_bytes(mm) == meta0,
	      "clean: metadata bytes back to where they were");
	return failures ? -EINVAL : 0;
}

static void __exit rmm_test_memobj_exit(void)
{
}

module_init(rmm_test_memobj_init);
module_exit(rmm_test_memobj_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("regionmm: memory object core in the kernel");
