// SPDX-License-Identifier: GPL-2.0
/*
 * test_memobj.c - memory objects (memobj.c): faults, copy-on-write after
 * fork, punch/size/unmap onto victim lists, the counters, the index
 * metadata, the validator, ENOMEM at every allocation, and threads
 * faulting and punching at once.  Expected values are worked out by hand
 * from the operations (pages the allocator lost, bytes written through the
 * pages' addresses), never read back from memobj.c itself.
 */
#include <pthread.h>
#include "rmm_test.h"
#include "memobj.h"
#include "memobj_test.h"
#include "lru.h"
#include "swapfile.h"
#include "vmscan.h"
#include "wmark.h"
#include "workingset.h"

static struct rmm_mm mm;
static long kv_base;

/* the host's unmap_obj: calls recorded (reclaim's young-bit clearing) */
static unsigned long unmap_calls;
static u64 unmap_last_cookie, unmap_last_pgoff, unmap_last_nr;

static void test_unmap_obj(struct rmm_mm *m, u64 cookie, u64 pgoff, u64 nr)
{
	unmap_calls++;
	unmap_last_cookie = cookie;
	unmap_last_pgoff = pgoff;
	unmap_last_nr = nr;
}

/* a fake swap device: an array of pages; I/O counted, writes may fail */
#define DEV_PAGES	1024
static u8 dev_mem[DEV_PAGES][4096];
static unsigned long dev_reads, dev_writes;
static bool dev_fail_writes;
/* runs in the middle of a read, before the data is copied */
static void (*dev_read_hook)(u64 offset);

static int test_swap_io(struct rmm_mm *m, u64 cookie, u64 offset, void *a,
			bool write)
{
	if (cookie != 0x5a5a || offset == 0 || offset >= DEV_PAGES)
		return -EINVAL;
	if (write) {
		if (dev_fail_writes)
			return -EIO;
		dev_writes++;
		memcpy(dev_mem[offset], a, 4096);
	} else {
		dev_reads++;
		if (dev_read_hook)
			dev_read_hook(offset);
		memcpy(a, dev_mem[offset], 4096);
	}
	return 0;
}

static const struct rmm_mm_ops test_ops = {
	.unmap_obj	= test_unmap_obj,
	.swap_io	= test_swap_io,
};

/* swap_read_batch: one call per batch, each page read as swap_io does */
static unsigned long batch_calls;
static int batch_last_nr;
static u64 batch_first_offset;

static void test_swap_read_batch(struct rmm_mm *m, u64 cookie,
				 const u64 *offsets, void *const *addrs,
				 int nr, int *errs)
{
	int i;

	batch_calls++;
	batch_last_nr = nr;
	batch_first_offset = offsets[0];
	for (i = 0; i < nr; i++)
		errs[i] = test_swap_io(m, cookie, offsets[i], addrs[i], false);
}

static const struct rmm_mm_ops test_ops_batch = {
	.unmap_obj	= test_unmap_obj,
	.swap_io	= test_swap_io,
	.swap_read_batch = test_swap_read_batch,
};

#define GFP	RMM_GFP_HIGHUSER_MOVABLE

static unsigned long nfree(void)
{
	rmm_drain_all_pages(&mm);
	return rmm_mm_total_free(&mm);
}

static long node_stat(enum rmm_node_stat_item i)
{
	return rmm_node_page_state(&mm.nodes[0], i);
}

static u8 *addr(struct rmm_page *p)
{
	return rmm_mm_page_address(&mm, p);
}

static bool all_bytes(struct rmm_page *p, u8 b)
{
	const u8 *a = addr(p);
	int i;

	for (i = 0; i < 4096; i++)
		if (a[i] != b)
			return false;
	return true;
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
		/* no mappings on the host: let go of the old page at once */
		struct rmm_plist vl;

		if (!f->old)
			ok(0, "a replacing fault names the old page");
		rmm_plist_init(&vl);
		rmm_memview_fault_done(v, f, &vl);
		rmm_memobj_free_victims(rmm_memview_obj(v), &vl);
	}
	rmm_memview_unlock(v);
	return ret;
}


static void free_victims(struct rmm_memobj *obj, struct rmm_plist *vl)
{
	rmm_memobj_free_victims(obj, vl);
	rmm_plist_init(vl);
}

/* dirty every free page, so that a fault that does not zero shows it */
static void dirty_free_pages(void)
{
	struct rmm_page **p = calloc(16384, sizeof(*p));
	int i, n;

	for (n = 0; n < 16384; n++) {
		p[n] = rmm_mm_alloc_pages(&mm, 0, 0, GFP | RMM___GFP_NOWARN);
		if (!p[n])
			break;
		memset(addr(p[n]), 0x5a, 4096);
	}
	for (i = n - 1; i >= 0; i--)
		rmm_mm_free_pages(&mm, p[i], 0);
	free(p);
}

static void test_shared(void)
{
	struct rmm_plist vl;
	struct rmm_memobj *obj;
	struct rmm_memview *v, *v2;
	struct rmm_fault f;
	struct rmm_pgrange r;
	struct rmm_page *p3;
	unsigned long free0 = nfree(), meta_obj;

	rmm_plist_init(&vl);
	obj = rmm_memobj_create(&mm, RMM_MEMOBJ_SHARED, 0, GFP);
	ok(obj && rmm_memobj_kind(obj) == RMM_MEMOBJ_SHARED, "shared object created");
	meta_obj = rmm_memobj_metadata_bytes(&mm);
	ok(meta_obj > 0, "object and view counted as metadata (%lu bytes)", meta_obj);
	v = rmm_memview_get(obj, 1);
	v2 = rmm_memview_get(obj, 2);
	ok(v && v == v2, "a shared object has one view for every address space");
	is_long(fault(v, 0, false, &f), -EFAULT, "fault at size 0: -EFAULT (SIGBUS)");
	rmm_memobj_set_size(obj, 8, &vl);
	is_long(rmm_memobj_size(obj), 8, "set_size 8");
	is_long(nfree(), free0, "growing allocates nothing");

	dirty_free_pages();
	is_long(fault(v, 3, false, &f), 0, "read fault at pgoff 3");
	p3 = f.page;
	ok(p3 && f.map_writable && !f.replaced, "new page, writable, not replaced");
	ok(p3 && all_bytes(p3, 0), "the new page is zeroed (free pages were dirty)");
	is_long(free0 - nfree(), 1, "one page allocated");
	memset(addr(p3), 0x33, 4096);
	is_long(fault(v, 3, true, &f), 0, "second fault at pgoff 3");
	ok(f.page == p3 && f.map_writable && !f.replaced,
	   "same page, writable, nothing replaced");
	ok(all_bytes(p3, 0x33), "contents kept");
	is_long(free0 - nfree(), 1, "no second page allocated");
	is_long(fault(v, 8, false, &f), -EFAULT, "fault at pgoff 8 == size: -EFAULT");
	is_long(fault(v, 5, true, &f), 0, "write fault at pgoff 5");
	is_long(node_stat(RMM_NR_FILE_PAGES), 2, "NR_FILE_PAGES 2");
	is_long(node_stat(RMM_NR_SHMEM), 2, "NR_SHMEM 2");
	is_long(node_stat(RMM_NR_FILE_MAPPED), 2, "NR_FILE_MAPPED 2");
	is_long(node_stat(RMM_NR_ANON_MAPPED), 0, "NR_ANON_MAPPED 0");

	/* unmapped: the pages stay (file contents) but are no longer mapped */
	r.start = 0;
	r.nr = 8;
	{
		struct rmm_pgrange still = { .start = 5, .nr = 1 };

		rmm_memview_unmapped(v, &r, &still, 1, &vl);
	}
	ok(rmm_plist_empty(&vl), "unmapped() on a shared object frees nothing");
	is_long(node_stat(RMM_NR_FILE_MAPPED), 1,
		"NR_FILE_MAPPED 1: pgoff 5 is still mapped elsewhere");
	rmm_memview_unmapped(v, &r, NULL, 0, &vl);
	is_long(node_stat(RMM_NR_FILE_MAPPED), 0, "NR_FILE_MAPPED 0 after the last unmap");
	is_long(node_stat(RMM_NR_FILE_PAGES), 2, "NR_FILE_PAGES still 2");
	is_long(fault(v, 3, false, &f), 0, "fault again after unmap");
	ok(f.page == p3 && all_bytes(p3, 0x33), "same page, same contents");
	is_long(node_stat(RMM_NR_FILE_MAPPED), 1, "NR_FILE_MAPPED 1 again");
	r.start = 0;
	r.nr = 8;
	is_long(rmm_memview_count(v, &r), 2, "count: 2 resident pages");

	/* punch [3, 4): one page to the victims */
	r.start = 3;
	r.nr = 1;
	is_long(rmm_memview_punch(v, &r, &vl), 1, "punch pgoff 3: one entry");
	is_long(vl.nr, 1, "one victim");
	is_long(node_stat(RMM_NR_FILE_PAGES), 1, "NR_FILE_PAGES 1");
	is_long(node_stat(RMM_NR_FILE_MAPPED), 0, "NR_FILE_MAPPED 0 (the mapped one went)");
	is_long(free0 - nfree(), 2, "not freed before free_victims()");
	free_victims(obj, &vl);
	is_long(free0 - nfree(), 1, "free_victims gives it back");
	is_long(rmm_memobj_validate(obj), 0, "validate clean");

	/* set_size down below pgoff 5 */
	rmm_memobj_set_size(obj, 4, &vl);
	is_long(vl.nr, 1, "set_size 4: pgoff 5 is a victim");
	free_victims(obj, &vl);
	is_long(nfree(), free0, "all pages back");
	is_long(fault(v, 5, false, &f), -EFAULT, "pgoff 5 beyond the new size");
	is_long(node_stat(RMM_NR_FILE_PAGES) + node_stat(RMM_NR_SHMEM) +
		node_stat(RMM_NR_FILE_MAPPED), 0, "shared counters at 0");
	is_long(rmm_memobj_metadata_bytes(&mm), meta_obj,
		"index nodes freed: metadata back to object + view");

	/* a large sparse pgoff: a tall index, then pruned */
	rmm_memobj_set_size(obj, 1ULL << 40, &vl);
	is_long(fault(v, (1ULL << 40) - 1, true, &f), 0, "fault at pgoff 2^40-1");
	is_long(fault(v, 1, true, &f), 0, "fault at pgoff 1");
	is_long(rmm_memobj_validate(obj), 0, "validate clean with a tall index");
	r.start = 0;
	r.nr = ~0ULL;
	is_long(rmm_memview_count(v, &r), 2, "count over everything: 2");
	r.start = 2;
	r.nr = (1ULL << 40) - 3;
	is_long(rmm_memview_count(v, &r), 0, "count strictly between: 0");
	rmm_memobj_set_size(obj, 0, &vl);
	is_long(vl.nr, 2, "set_size 0: both victims");
	free_victims(obj, &vl);
	is_long(rmm_memobj_metadata_bytes(&mm), meta_obj, "tall index freed");

	/* the object lives while a view reference does; pages with it */
	is_long(fault(v, 0, true, &f), -EFAULT, "size 0 again");
	rmm_memobj_set_size(obj, 2, &vl);
	is_long(fault(v, 0, true, &f), 0, "a page left in the object");
	rmm_memobj_put(obj);
	rmm_memview_put(v2);
	is_long(free0 - nfree(), 1, "the view keeps the object and its page");
	rmm_memview_put(v);
	is_long(nfree(), free0, "last reference: the page is freed");
	is_long(node_stat(RMM_NR_FILE_PAGES), 0, "NR_FILE_PAGES 0");
	is_long(rmm_memobj_metadata_bytes(&mm), 0, "metadata 0");
	is_long(atomic_load(&rmm_port_kv_live), kv_base, "no kvzalloc block left");
}

static void write_tag(struct rmm_page *p, u8 b)
{
	memset(addr(p), b, 4096);
}

static void test_private_fork(void)
{
	struct rmm_memobj *obj;
	struct rmm_memview *a, *b, *b2, *c;
	struct rmm_page *old[4], *p;
	struct rmm_plist vl;
	struct rmm_pgrange r;
	struct rmm_fault f;
	unsigned long free0 = nfree(), used;
	bool first;
	int i;

	rmm_plist_init(&vl);
	obj = rmm_memobj_create(&mm, RMM_MEMOBJ_PRIVATE, RMM_NUMA_NO_NODE, GFP);
	a = rmm_memview_get(obj, 100);
	ok(obj && a, "private object, view of address space 100");
	dirty_free_pages();
	for (i = 0; i < 4; i++) {
		fault(a, i, true, &f);
		old[i] = f.page;
		ok(f.page && f.map_writable && all_bytes(f.page, 0),
		   "A: write fault at %d: zeroed writable page", i);
		write_tag(f.page, 0xa0 + i);
	}
	is_long(free0 - nfree(), 4, "4 pages");
	is_long(node_stat(RMM_NR_ANON_MAPPED), 4, "NR_ANON_MAPPED 4");
	is_long(node_stat(RMM_NR_FILE_PAGES), 0, "no file pages for private memory");

	b = rmm_memview_fork(a, 200, &first);
	ok(b && b != a && first, "fork: child view 200, first call");
	b2 = rmm_memview_fork(a, 200, &first);
	ok(b2 == b && !first, "fork again for the same child: same view, not first");
	rmm_memview_put(b2);
	is_long(free0 - nfree(), 4, "fork allocates no page");
	is_long(node_stat(RMM_NR_ANON_MAPPED), 4, "NR_ANON_MAPPED still 4");
	ok(old[1]->private == 2 && old[3]->private == 2, "share counts 2");
	is_long(rmm_memobj_validate(obj), 0, "validate clean after fork");

	/* both see the old data */
	fault(b, 1, false, &f);
	ok(f.page == old[1] && !f.map_writable && !f.replaced,
	   "B: read fault maps the shared page read-only");
	ok(all_bytes(f.page, 0xa1), "B sees A's data");
	fault(a, 1, false, &f);
	ok(f.page == old[1] && !f.map_writable, "A: read fault read-only too");

	/* write in the child copies */
	fault(b, 1, true, &f);
	ok(f.page && f.page != old[1] && f.map_writable && f.replaced,
	   "B: write fault copies (replaced)");
	p = f.page;
	ok(all_bytes(p, 0xa1), "the copy carries the contents");
	is_long(free0 - nfree(), 5, "one page allocated for the copy");
	is_long(node_stat(RMM_NR_ANON_MAPPED), 5, "NR_ANON_MAPPED 5");
	write_tag(p, 0xb1);
	ok(all_bytes(old[1], 0xa1), "A's page unchanged by B's write");
	ok(rmm_test_lookup(b, 1) == p && rmm_test_lookup(a, 1) == old[1], "indices: B has the copy, A the old page");
	is_long(old[1]->private, 1, "old page's count lowered to 1");
	/* write in the parent reuses */
	fault(a, 1, true, &f);
	ok(f.page == old[1] && f.map_writable && !f.replaced,
	   "A: write fault on count 1 reuses the page");
	is_long(free0 - nfree(), 5, "no copy");
	write_tag(old[1], 0xa9);
	ok(all_bytes(p, 0xb1), "B's copy unchanged by A's write");
	is_long(rmm_memobj_validate(obj), 0, "validate clean");

	/* three-way: B forks C */
	c = rmm_memview_fork(b, 300, &first);
	ok(c && first, "B forks C");
	is_long(old[2]->private, 3, "pgoff 2 is in 3 views");
	is_long(p->private, 2, "B's copy in B and C");
	fault(c, 2, true, &f);
	ok(f.replaced && f.page != old[2] && all_bytes(f.page, 0xa2),
	   "C: write at 2 copies");
	write_tag(f.page, 0xc2);
	is_long(old[2]->private, 2, "count 3 -> 2");
	fault(a, 2, true, &f);
	ok(f.replaced && f.page != old[2] && all_bytes(f.page, 0xa2),
	   "A: write at 2 copies too (count 2)");
	write_tag(f.page, 0xaa);
	is_long(old[2]->private, 1, "count 2 -> 1");
	fault(b, 2, true, &f);
	ok(!f.replaced && f.page == old[2] && f.map_writable, "B: write at 2 reuses");
	ok(all_bytes(old[2], 0xa2), "B's page at 2 still the pre-fork data");
	ok(all_bytes(rmm_test_lookup(c, 2), 0xc2) && all_bytes(rmm_test_lookup(a, 2), 0xaa),
	   "C and A keep their own writes");
	is_long(free0 - nfree(), 7, "7 pages: 4 + 3 copies");
	is_long(node_stat(RMM_NR_ANON_MAPPED), 7, "NR_ANON_MAPPED 7");
	is_long(rmm_memobj_validate(obj), 0, "validate clean after 3-way");

	/* punch frees only unshared pages */
	used = free0 - nfree();
	r.start = 0;
	r.nr = 1;
	is_long(rmm_memview_punch(a, &r, &vl), 1, "A: punch pgoff 0 (shared by 3)");
	ok(rmm_plist_empty(&vl), "no victim: B and C still hold it");
	is_long(old[0]->private, 2, "count 3 -> 2");
	is_long(rmm_memview_punch(b, &r, &vl), 1, "B: punch pgoff 0");
	ok(rmm_plist_empty(&vl), "no victim: C holds it");
	is_long(rmm_memview_punch(c, &r, &vl), 1, "C: punch pgoff 0");
	is_long(vl.nr, 1, "the last one: a victim");
	free_victims(obj, &vl);
	is_long(used - (free0 - nfree()), 1, "exactly one page freed");
	is_long(node_stat(RMM_NR_ANON_MAPPED), 6, "NR_ANON_MAPPED 6");
	fault(a, 0, false, &f);
	ok(f.page && all_bytes(f.page, 0) && f.map_writable,
	   "A: pgoff 0 reads zeros after the punch");
	is_long(rmm_memobj_validate(obj), 0, "validate clean");

	/* a corrupted share count is caught */
	old[3]->private++;
	rmm_port_quiet = 1;
	ok(rmm_memobj_validate(obj) > 0, "validate catches a share count 1 too high");
	old[3]->private -= 2;
	ok(rmm_memobj_validate(obj) > 0, "validate catches a share count 1 too low");
	old[3]->private++;
	rmm_port_quiet = 0;
	is_long(rmm_memobj_validate(obj), 0, "clean again when restored");

	/* the last reference of a view frees its unshared pages */
	used = free0 - nfree();
	rmm_memview_put(c);	/* C: 1 (B's copy), its copy at 2, 3 */
	is_long(used - (free0 - nfree()), 1,
		"C gone: its own copy at 2 freed; pages shared with A/B stay");
	rmm_memview_put(b);
	rmm_memview_put(a);
	rmm_memobj_put(obj);
	is_long(nfree(), free0, "every page back");
	is_long(node_stat(RMM_NR_ANON_MAPPED), 0, "NR_ANON_MAPPED 0");
	is_long(rmm_memobj_metadata_bytes(&mm), 0, "metadata 0");
	is_long(atomic_load(&rmm_port_kv_live), kv_base, "no kvzalloc block left");
}

static void test_private_unmapped(void)
{
	struct rmm_pgrange r = { .start = 0, .nr = 10 };
	struct rmm_pgrange still[2] = { { 2, 2 }, { 7, 1 } };
	struct rmm_memobj *obj;
	struct rmm_memview *a;
	struct rmm_plist vl;
	struct rmm_fault f;
	unsigned long free0 = nfree();
	int i;

	rmm_plist_init(&vl);
	obj = rmm_memobj_create(&mm, RMM_MEMOBJ_PRIVATE, 0, GFP);
	a = rmm_memview_get(obj, 1);
	for (i = 0; i < 12; i++)
		fault(a, i, true, &f);
	is_long(free0 - nfree(), 12, "12 pages");
	rmm_memview_unmapped(a, &r, still, 2, &vl);
	is_long(vl.nr, 7, "unmapped [0,10) with [2,4) and [7,8) still mapped: 7 victims");
	free_victims(obj, &vl);
	ok(rmm_test_lookup(a, 2) && rmm_test_lookup(a, 3) && rmm_test_lookup(a, 7) && rmm_test_lookup(a, 10) &&
	   rmm_test_lookup(a, 11) && !rmm_test_lookup(a, 0) && !rmm_test_lookup(a, 9) && !rmm_test_lookup(a, 5),
	   "covered pages and pages outside the range stay");
	is_long(free0 - nfree(), 5, "5 pages left");
	is_long(node_stat(RMM_NR_ANON_MAPPED), 5, "NR_ANON_MAPPED 5");
	rmm_memobj_set_size(obj, 12, &vl);
	ok(rmm_plist_empty(&vl) && rmm_test_lookup(a, 11),
	   "growing a private object from 0 to 12 punches nothing");
	rmm_memobj_set_size(obj, 3, &vl);
	is_long(vl.nr, 4, "set_size 3 on a private object: pgoffs 3, 7, 10, 11 go");
	free_victims(obj, &vl);
	rmm_memview_put(a);
	rmm_memobj_put(obj);
	is_long(nfree(), free0, "every page back");
}

/*
 * ENOMEM at the n-th rmm_kvzalloc() of a sequence (create, get, faults
 * spread over several index nodes, fork, copy-on-write, a tall index),
 * for every n until the sequence runs through: each failure returns an
 * error with the index as it was (validate, count), and after the
 * teardown no page, no metadata and no block is left.
 */
static int enomem_run(enum rmm_memobj_kind kind, long n, unsigned long free0,
		      bool *failed, char *why, size_t whylen)
{
	struct rmm_memobj *obj;
	struct rmm_memview *a, *b = NULL;
	struct rmm_plist vl;
	struct rmm_pgrange all = { 0, ~0ULL };
	struct rmm_fault f;
	long kvf0 = atomic_load(&rmm_port_kv_failed);
	u64 resident = 0;
	bool first;
	int i, bad = 0, ret;

	rmm_plist_init(&vl);
	atomic_store(&rmm_port_fail_nth, n);
	obj = rmm_memobj_create(&mm, kind, 0, GFP);
	if (!obj)
		goto out;
	rmm_memobj_set_size(obj, 1ULL << 30, &vl);
	a = rmm_memview_get(obj, 1);
	if (!a) {
		rmm_memobj_put(obj);
		goto out;
	}
	for (i = 0; i < 40; i++) {
		u64 pgoff = i < 39 ? (u64)i * 97 : (1ULL << 30) - 1;

		ret = fault(a, pgoff, true, &f);
		if (ret == 0) {
			resident++;
		} else if (ret != -ENOMEM || rmm_test_lookup(a, pgoff)) {
			snprintf(why, whylen, "fault %d: %d", i, ret);
			bad++;
		}
		if (rmm_memview_count(a, &all) != resident) {
			snprintf(why, whylen, "count %llu after fault %d, want %llu",
				 (unsigned long long)rmm_memview_count(a, &all),
				 i, (unsigned long long)resident);
			bad++;
		}
	}
	if (kind == RMM_MEMOBJ_PRIVATE) {
		b = rmm_memview_fork(a, 2, &first);
		if (b) {
			for (i = 0; i < 10; i++)
				if (fault(b, (u64)i * 97, true, &f) &&
				    rmm_test_lookup(a, (u64)i * 97)) {
					snprintf(why, whylen, "cow fault %d", i);
					bad++;
				}
		}
	}
	if (rmm_memobj_validate(obj)) {
		snprintf(why, whylen, "validate after the failures");
		bad++;
	}
	if (b)
		rmm_memview_put(b);
	rmm_memview_put(a);
	rmm_memobj_put(obj);
out:
	atomic_store(&rmm_port_fail_nth, 0);
	*failed = atomic_load(&rmm_port_kv_failed) != kvf0;
	if (nfree() != free0 || rmm_memobj_metadata_bytes(&mm) ||
	    atomic_load(&rmm_port_kv_live) != kv_base ||
	    node_stat(RMM_NR_ANON_MAPPED) || node_stat(RMM_NR_FILE_PAGES) ||
	    node_stat(RMM_NR_FILE_MAPPED)) {
		snprintf(why, whylen, "left: %ld pages, %lu meta bytes, %ld blocks",
			 (long)(free0 - nfree()),
			 rmm_memobj_metadata_bytes(&mm),
			 atomic_load(&rmm_port_kv_live) - kv_base);
		bad++;
	}
	return bad;
}

/*
 * The other view lets go of the page while a write fault copies it (the
 * injection point plays the other CPU): the fault keeps the original,
 * which is now its own, and frees the copy (wp_page_reuse()).
 */
static struct rmm_memview *inj_view;
static u64 inj_pgoff;
static struct rmm_plist inj_victims;
static int inj_hits;

static void inj_hook(int point, void *arg)
{
	struct rmm_pgrange r = { inj_pgoff, 1 };

	if (point != RMM_INJECT_MEMOBJ_COW || !inj_view)
		return;
	inj_hits++;
	rmm_memview_punch(inj_view, &r, &inj_victims);
	inj_view = NULL;
}

/*
 * A private object whose view A (address space 1) wrote @tag at @pgoff,
 * then forked into view B (address space 2): the page, shared by both.
 */
struct forked {
	struct rmm_memobj *obj;
	struct rmm_memview *a, *b;
	unsigned long free0;
};

static struct rmm_page *fork_tagged(struct forked *fk, u64 pgoff, u8 tag)
{
	struct rmm_fault f;
	bool first;

	fk->free0 = nfree();
	fk->obj = rmm_memobj_create(&mm, RMM_MEMOBJ_PRIVATE, 0, GFP);
	fk->a = rmm_memview_get(fk->obj, 1);
	fault(fk->a, pgoff, true, &f);
	write_tag(f.page, tag);
	fk->b = rmm_memview_fork(fk->a, 2, &first);
	return f.page;
}

/* validate, drop both views and the object: every page is back */
static void put_forked(struct forked *fk)
{
	is_long(rmm_memobj_validate(fk->obj), 0, "validate clean");
	rmm_memview_put(fk->b);
	rmm_memview_put(fk->a);
	rmm_memobj_put(fk->obj);
	is_long(nfree(), fk->free0, "every page back");
}

static void test_cow_race(void)
{
	struct forked fk;
	struct rmm_page *p;
	struct rmm_fault f;

	rmm_plist_init(&inj_victims);
	p = fork_tagged(&fk, 4, 0x44);
	is_long(p->private, 2, "page shared by A and B");
	inj_view = fk.a;
	inj_pgoff = 4;
	rmm_port_inject_hook = inj_hook;
	fault(fk.b, 4, true, &f);
	rmm_port_inject_hook = NULL;
	is_long(inj_hits, 1, "A punched the page while B was copying it");
	ok(f.page == p && !f.replaced && f.map_writable,
	   "B keeps the original page (count 1 now), nothing replaced");
	ok(rmm_plist_empty(&inj_victims), "A's punch freed nothing (B held it)");
	is_long(p->private, 1, "count 1");
	is_long(fk.free0 - nfree(), 1, "the copy was given back");
	is_long(node_stat(RMM_NR_ANON_MAPPED), 1, "NR_ANON_MAPPED 1");
	ok(all_bytes(p, 0x44), "contents kept");
	put_forked(&fk);
}

/*
 * A copy-on-write fault keeps its view's share of the old page until the
 * caller has unmapped it (rmm_memview_fault_done()): meanwhile another
 * view writing the same page must copy as well, never take the page as
 * its own, or it would write into a page the first view's entries still
 * read (the kernel's wp_page_copy() drops the old map count only after
 * the new entry is in place).
 */
static void test_cow_done(void)
{
	struct forked fk;
	struct rmm_memview *a, *b;
	struct rmm_plist vl;
	struct rmm_fault fa = { .pgoff = 7, .write = true };
	struct rmm_fault fb = { .pgoff = 7, .write = true };
	struct rmm_page *p = fork_tagged(&fk, 7, 0x77);

	a = fk.a;
	b = fk.b;
	rmm_memview_lock(a);
	is_long(rmm_memview_fault(a, &fa), 0, "A: write fault on the shared page");
	ok(fa.replaced && fa.old == p && fa.page != p,
	   "A: a copy replaces it, the old page named");
	is_long(p->private, 2, "A still counts in the old page until done");
	/* B writes before A has unmapped the old page */
	rmm_memview_lock(b);
	is_long(rmm_memview_fault(b, &fb), 0, "B: write fault meanwhile");
	ok(fb.replaced && fb.page != p,
	   "B copies too: the old page is not B's alone yet");
	rmm_plist_init(&vl);
	rmm_memview_fault_done(a, &fa, &vl);
	ok(rmm_plist_empty(&vl) && p->private == 1,
	   "A lets go: count 1 (B's), nothing freed");
	rmm_memview_fault_done(b, &fb, &vl);
	ok(vl.nr == 1 && vl.first == p, "B lets go: the old page is a victim");
	rmm_memobj_free_victims(fk.obj, &vl);
	rmm_memview_unlock(b);
	rmm_memview_unlock(a);
	ok(all_bytes(fa.page, 0x77) && all_bytes(fb.page, 0x77),
	   "both copies carry the contents");
	is_long(node_stat(RMM_NR_ANON_MAPPED), 2, "NR_ANON_MAPPED 2 (two copies)");
	put_forked(&fk);
}

static void test_enomem(void)
{
	static const char * const kname[] = { "shared", "private" };
	unsigned long free0 = nfree();
	char why[160];
	int k;

	for (k = RMM_MEMOBJ_SHARED; k <= RMM_MEMOBJ_PRIVATE; k++) {
		long n, bad_runs = 0, first_bad = 0;
		bool failed = true;

		why[0] = 0;
		rmm_port_quiet = 1;	/* validate's own allocation fails too */
		for (n = 1; failed && n < 10000; n++) {
			if (enomem_run(k, n, free0, &failed, why, sizeof(why))) {
				if (!bad_runs++)
					first_bad = n;
			}
		}
		rmm_port_quiet = 0;
		ok(!failed && n > 10, "%s: ENOMEM at each of the %ld allocations of the sequence is handled",
		   kname[k], n - 2);
		if (!is_long(bad_runs, 0, "%s: nothing left behind, index intact",
			     kname[k]))
			diag("first at allocation %ld: %s", first_bad, why);
	}
}

/*
 * Threads: each forks its own view of a private object from an untouched
 * parent and faults (read/write), writes tags through the pages,
 * punches and unmaps ranges in it, checking that it reads back exactly
 * its own writes (or the parent's data, or zeros after a punch); two
 * more fault and punch a shared object under its view lock.  Then the
 * validator, and every page and byte of metadata back.
 */
#define ST_PAGES	256
#define ST_PRIV		4
#define ST_SHARED	2
#define ST_ITERS	50000

static struct rmm_memobj *st_priv, *st_shared;
static struct rmm_memview *st_parent;
static atomic_long st_errors, st_cows;

struct st_arg {
	int id;
};

static u64 rnd(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static u64 get_tag(struct rmm_page *p)
{
	u64 a, b;

	memcpy(&a, addr(p), 8);
	memcpy(&b, addr(p) + 4088, 8);
	return a == b ? a : ~0ULL;
}

static void set_tag(struct rmm_page *p, u64 t)
{
	memcpy(addr(p), &t, 8);
	memcpy(addr(p) + 4088, &t, 8);
}

static void st_err(const char *what, int id, u64 pgoff)
{
	if (atomic_fetch_add(&st_errors, 1) < 5)
		printf("# thread %d pgoff %llu: %s\n", id, (unsigned long long)pgoff,
		       what);
}

/* test_swap_stress()'s reclaimer thread: what it did */
static atomic_long sw_freed, sw_young, sw_busy;
/*
 * set by test_swap_stress(): the private threads go on past ST_ITERS
 * (up to 20 times) until the reclaimer freed and found young enough
 * pages, so that a loaded machine does not make the test flaky
 */
static atomic_int st_until_reclaimed;

static bool st_more(long it)
{
	if (it < ST_ITERS)
		return true;
	return atomic_load(&st_until_reclaimed) && it < 20L * ST_ITERS &&
	       (atomic_load(&sw_freed) <= 100 || atomic_load(&sw_young) <= 100);
}

static void *st_private(void *arg)
{
	int id = ((struct st_arg *)arg)->id;
	u64 expect[ST_PAGES], s = 0x1234567ULL * (id + 1), counter = 0;
	bool present[ST_PAGES];
	struct rmm_memview *v;
	struct rmm_plist vl;
	struct rmm_fault f;
	bool first;
	long it;
	int i;

	rmm_port_set_cpu(id % 4);
	rmm_plist_init(&vl);
	v = rmm_memview_fork(st_parent, 1000 + id, &first);
	if (!v || !first) {
		st_err("fork", id, 0);
		return NULL;
	}
	for (i = 0; i < ST_PAGES; i++) {
		expect[i] = 0xfeed0000ULL + i;
		present[i] = true;
	}
	for (it = 0; st_more(it); it++) {
		u64 op = rnd(&s) % 16, pgoff = rnd(&s) % ST_PAGES;
		struct rmm_pgrange r = { pgoff, 1 + rnd(&s) % 8 };

		if (op < 11) {
			bool write = op & 1;

			/*
			 * the page is read and written under the view lock,
			 * as a user mapping would be used before reclaim's
			 * unmap_obj() removes it (test_swap_stress())
			 */
			memset(&f, 0, sizeof(f));
			f.pgoff = pgoff;
			f.write = write;
			rmm_memview_lock(v);
			if (rmm_memview_fault(v, &f)) {
				rmm_memview_unlock(v);
				st_err("fault failed", id, pgoff);
				continue;
			}
			if (f.replaced)
				rmm_memview_fault_done(v, &f, &vl);
			present[pgoff] = true;
			if (get_tag(f.page) != expect[pgoff])
				st_err("wrong contents", id, pgoff);
			if (write && !f.map_writable)
				st_err("write fault not writable", id, pgoff);
			if (f.replaced)
				atomic_fetch_add(&st_cows, 1);
			if (f.map_writable) {
				expect[pgoff] = ((u64)id << 40) | ++counter;
				set_tag(f.page, expect[pgoff]);
			}
			rmm_memview_unlock(v);
			rmm_memobj_free_victims(st_priv, &vl);
		} else if (op < 13) {
			rmm_memview_punch(v, &r, &vl);
			rmm_memobj_free_victims(st_priv, &vl);
			for (i = r.start; i < ST_PAGES && i < (int)(r.start + r.nr); i++) {
				expect[i] = 0;
				present[i] = false;
			}
		} else if (op < 14) {
			struct rmm_pgrange still = { r.start + 1, 2 };

			rmm_memview_unmapped(v, &r, &still, 1, &vl);
			rmm_memobj_free_victims(st_priv, &vl);
			for (i = r.start; i < ST_PAGES && i < (int)(r.start + r.nr); i++) {
				if (i >= (int)still.start && i < (int)(still.start + still.nr))
					continue;
				expect[i] = 0;
				present[i] = false;
			}
		} else if (op < 15) {
			struct rmm_pgrange all = { 0, ST_PAGES };
			u64 n = 0;

			for (i = 0; i < ST_PAGES; i++)
				n += present[i];
			u64 res = rmm_memview_count(v, &all), sw;

			/*
			 * resident or swapped out (test_swap_stress()): reclaim
			 * may swap pages out between the two counts
			 */
			sw = rmm_memview_count_swap(v, &all);
			if (res > n || res + sw < n)
				st_err("count", id, 0);
		} else if (it % 512 == 15) {
			if (rmm_memobj_validate(st_priv))
				st_err("validate", id, 0);
		}
	}
	rmm_memview_put(v);
	return NULL;
}

static void *st_shared_fn(void *arg)
{
	int id = ((struct st_arg *)arg)->id;
	struct rmm_memview *v = rmm_memview_get(st_shared, id);
	u64 s = 0xabcdefULL * (id + 7), mine[ST_PAGES] = { 0 };
	struct rmm_plist vl;
	struct rmm_fault f;
	long it;

	rmm_port_set_cpu(id % 4);
	rmm_plist_init(&vl);
	for (it = 0; it < ST_ITERS; it++) {
		u64 pgoff = rnd(&s) % ST_PAGES, op = rnd(&s) % 8, got;
		struct rmm_pgrange r = { pgoff, 1 + rnd(&s) % 4 };

		if (op < 6) {
			rmm_memview_lock(v);
			f.pgoff = pgoff;
			f.write = true;
			f.gfp_extra = 0;
			if (rmm_memview_fault(v, &f)) {
				st_err("shared fault failed", id, pgoff);
			} else {
				memcpy(&got, addr(f.page) + 8 * id, 8);
				if (got != 0 && got != mine[pgoff])
					st_err("shared: a stranger's data", id, pgoff);
				mine[pgoff] = ((u64)id << 40) | it;
				memcpy(addr(f.page) + 8 * id, &mine[pgoff], 8);
			}
			rmm_memview_unlock(v);
		} else {
			rmm_memview_punch(v, &r, &vl);
			rmm_memobj_free_victims(st_shared, &vl);
		}
	}
	rmm_memview_put(v);
	return NULL;
}

static void test_stress(void)
{
	pthread_t th[ST_PRIV + ST_SHARED];
	struct st_arg args[ST_PRIV + ST_SHARED];
	unsigned long free0 = nfree();
	struct rmm_plist vl;
	struct rmm_fault f;
	int i;

	rmm_plist_init(&vl);
	st_priv = rmm_memobj_create(&mm, RMM_MEMOBJ_PRIVATE, RMM_NUMA_NO_NODE, GFP);
	st_shared = rmm_memobj_create(&mm, RMM_MEMOBJ_SHARED, RMM_NUMA_NO_NODE, GFP);
	rmm_memobj_set_size(st_shared, ST_PAGES, &vl);
	st_parent = rmm_memview_get(st_priv, 1);
	for (i = 0; i < ST_PAGES; i++) {
		fault(st_parent, i, true, &f);
		set_tag(f.page, 0xfeed0000ULL + i);
	}
	for (i = 0; i < ST_PRIV + ST_SHARED; i++) {
		args[i].id = i;
		pthread_create(&th[i], NULL, i < ST_PRIV ? st_private : st_shared_fn,
			       &args[i]);
	}
	for (i = 0; i < ST_PRIV + ST_SHARED; i++)
		pthread_join(th[i], NULL);
	is_long(atomic_load(&st_errors), 0, "threads: every read saw its own view's data");
	ok(atomic_load(&st_cows) > ST_PAGES, "threads copied on write (%ld copies)",
	   atomic_load(&st_cows));
	is_long(rmm_memobj_validate(st_priv), 0, "validate private object after the threads");
	is_long(rmm_memobj_validate(st_shared), 0, "validate shared object after the threads");
	for (i = 0; i < ST_PAGES; i++)
		if (get_tag(rmm_test_lookup(st_parent, i)) != 0xfeed0000ULL + i)
			break;
	is_long(i, ST_PAGES, "the parent's pages are untouched");
	is_long(node_stat(RMM_NR_ANON_MAPPED), ST_PAGES, "NR_ANON_MAPPED: the parent's pages");
	rmm_memview_put(st_parent);
	rmm_memobj_put(st_priv);
	rmm_memobj_put(st_shared);
	is_long(nfree(), free0, "every page back");
	is_long(rmm_memobj_metadata_bytes(&mm), 0, "metadata 0");
	is_long(node_stat(RMM_NR_ANON_MAPPED) + node_stat(RMM_NR_FILE_PAGES) +
		node_stat(RMM_NR_SHMEM) + node_stat(RMM_NR_FILE_MAPPED), 0,
		"counters 0");
}

static long lru_size(enum rmm_lru_list l)
{
	return rmm_node_page_state(&mm.nodes[0], RMM_NR_INACTIVE_ANON + l);
}

static struct rmm_page_ext *ext_of(struct rmm_page *p)
{
	return rmm_page_ext(&mm, p);
}

/* the page @p is on an LRU list, owned by @obj at @pgoff */
static bool owned(struct rmm_page *p, struct rmm_memobj *obj, u64 pgoff)
{
	return RmmPageLru(p) && RmmPageSwapbacked(p) &&
		ext_of(p)->owner == obj && ext_of(p)->index == pgoff;
}

/*
 * isolate the page @p from the inactive anon list as vmscan does (the
 * owner pinned it); the others isolated on the way are put back
 */
static bool isolate(struct rmm_page *p, struct rmm_plist *dst)
{
	struct rmm_lruvec *lruvec = rmm_node_lruvec(&mm, 0);
	struct rmm_plist all, rest, nofree;
	unsigned long taken = 0, pins = 0;
	struct rmm_page *q;
	bool found = false;

	rmm_plist_init(&all);
	rmm_plist_init(&rest);
	rmm_plist_init(&nofree);
	rmm_lru_isolate(&mm, lruvec, RMM_LRU_INACTIVE_ANON, ~0UL, &all, &taken);
	while ((q = rmm_plist_pop(&mm, &all))) {
		if (q == p) {
			rmm_plist_add_tail(&mm, dst, q);
			found = true;
		} else {
			rmm_plist_add_tail(&mm, &rest, q);
			pins++;
		}
	}
	while (!rmm_plist_empty(&rest)) {
		struct rmm_plist one;

		rmm_plist_init(&one);
		q = rmm_plist_pop(&mm, &rest);
		rmm_plist_add_tail(&mm, &one, q);
		rmm_lru_putback(&mm, lruvec, &one, &nofree);
		rmm_memobj_lru_ops.unpin(&mm, ext_of(q)->owner);
	}
	return found && rmm_plist_empty(&nofree) && taken == pins + 1;
}

/*
 * LRU ownership: every page a fault installs (new, copy) is on the
 * inactive anon list with its ext naming the object and pgoff, and young;
 * every page let go of comes off; referenced() is the young test; a page
 * released while isolated is the reclaimer's to free.
 */
static void test_lru(void)
{
	struct rmm_lruvec *lruvec = rmm_node_lruvec(&mm, 0);
	struct rmm_page *p[4], *copy;
	struct rmm_plist vl, iso, tofree;
	struct rmm_memobj *obj;
	struct rmm_memview *a, *b;
	struct rmm_pgrange r;
	struct rmm_fault f;
	unsigned long free0 = nfree();
	bool first;
	int i;

	rmm_plist_init(&vl);
	rmm_plist_init(&iso);
	rmm_plist_init(&tofree);
	obj = rmm_memobj_create(&mm, RMM_MEMOBJ_PRIVATE, 0, GFP);
	rmm_memobj_set_host(obj, 0xabc);
	a = rmm_memview_get(obj, 1);
	for (i = 0; i < 4; i++) {
		fault(a, 10 + i, true, &f);
		p[i] = f.page;
		ok(owned(p[i], obj, 10 + i) &&
		   (ext_of(p[i])->flags & RMM_EXT_YOUNG) && !RmmPageActive(p[i]),
		   "fault %d: page on the inactive anon list, ext = (obj, %d), young",
		   i, 10 + i);
	}
	is_long(lru_size(RMM_LRU_INACTIVE_ANON), 4, "NR_INACTIVE_ANON 4");
	is_long(rmm_atomic_long_read(&rmm_mm_page_zone(&mm, p[0])->vm_stat[
		RMM_NR_ZONE_INACTIVE_ANON]), 4, "NR_ZONE_INACTIVE_ANON 4");
	ok(lruvec->lists[RMM_LRU_INACTIVE_ANON].last == p[0], "the first fault's page at the tail (oldest)");
	is_long(rmm_lru_validate(&mm), 0, "lru validate clean");

	/* referenced(): young once, then not until the next fault */
	ok(isolate(p[1], &iso), "isolate pgoff 11's page");
	is_long(node_stat(RMM_NR_ISOLATED_ANON), 1, "NR_ISOLATED_ANON 1");
	is_long(rmm_memobj_validate(obj), 0, "validate: an isolated index page is fine");
	unmap_calls = 0;
	is_long(rmm_memobj_lru_ops.referenced(&mm, p[1]), 1,
		"referenced: young, one view holds it");
	ok(unmap_calls == 1 && unmap_last_cookie == 0xabc &&
	   unmap_last_pgoff == 11 && unmap_last_nr == 1,
	   "its entries were removed (unmap_obj(host 0xabc, 11, 1))");
	is_long(rmm_memobj_lru_ops.referenced(&mm, p[1]), 0,
		"referenced again: not young");
	is_long(unmap_calls, 1, "nothing to unmap the second time");
	fault(a, 11, false, &f);
	ok(f.page == p[1] && (ext_of(p[1])->flags & RMM_EXT_YOUNG),
	   "a fault on the isolated page maps it and makes it young");
	rmm_memview_lock(a);
	is_long(rmm_memobj_lru_ops.referenced(&mm, p[1]), -EAGAIN,
		"referenced while the view is locked: -EAGAIN (trylock)");
	rmm_memview_unlock(a);
	rmm_lru_putback(&mm, lruvec, &iso, &tofree);
	rmm_memobj_lru_ops.unpin(&mm, obj);
	ok(rmm_plist_empty(&tofree) && RmmPageLru(p[1]), "put back on the LRU");
	is_long(node_stat(RMM_NR_ISOLATED_ANON), 0, "NR_ISOLATED_ANON 0");

	/* fork + copy-on-write: the copy joins the LRU; shared: 2 holders */
	b = rmm_memview_fork(a, 2, &first);
	ok(isolate(p[2], &iso), "isolate the shared page at 12");
	is_long(rmm_memobj_lru_ops.referenced(&mm, p[2]), 2,
		"referenced: young, held by both views (mapcount-like)");
	rmm_lru_putback(&mm, lruvec, &iso, &tofree);
	rmm_memobj_lru_ops.unpin(&mm, obj);
	fault(b, 12, true, &f);
	copy = f.page;
	ok(f.replaced && owned(copy, obj, 12) &&
	   (ext_of(copy)->flags & RMM_EXT_YOUNG), "the COW copy is on the LRU, young");
	is_long(lru_size(RMM_LRU_INACTIVE_ANON), 5, "NR_INACTIVE_ANON 5");
	ok(owned(p[2], obj, 12), "the original stays on the LRU (A holds it)");
	is_long(rmm_memobj_validate(obj), 0, "validate clean after the copy");

	/* punch: pages let go of leave the LRU before they are victims */
	r.start = 13;
	r.nr = 1;
	rmm_memview_punch(a, &r, &vl);
	is_long(vl.nr, 0, "A punches 13: B still holds it");
	ok(RmmPageLru(p[3]), "still on the LRU");
	rmm_memview_punch(b, &r, &vl);
	ok(vl.nr == 1 && !RmmPageLru(p[3]) && !ext_of(p[3])->owner,
	   "B punches 13: a victim, off the LRU, ext cleared");
	is_long(lru_size(RMM_LRU_INACTIVE_ANON), 4, "NR_INACTIVE_ANON 4");
	free_victims(obj, &vl);

	/* the orphan: released while a reclaimer holds it isolated */
	ok(isolate(p[0], &iso), "isolate pgoff 10 (A and B hold it)");
	r.start = 10;
	unmap_calls = 0;
	rmm_memview_punch(a, &r, &vl);
	rmm_memview_punch(b, &r, &vl);
	ok(rmm_plist_empty(&vl), "the last punch gives the isolated page to nobody");
	ok(ext_of(p[0])->flags & RMM_EXT_ORPHAN, "it is an orphan now");
	ok(unmap_calls == 1 && unmap_last_pgoff == 10,
	   "its entries were removed at once (the reclaimer may free it any time)");
	is_long(rmm_memobj_validate(obj), 0, "validate clean with an orphan out");
	rmm_lru_putback(&mm, lruvec, &iso, &tofree);
	rmm_memobj_lru_ops.unpin(&mm, obj);
	ok(tofree.nr == 1 && tofree.first == p[0], "putback hands the orphan to the reclaimer");
	rmm_memobj_free_victims(obj, &tofree);
	is_long(lru_size(RMM_LRU_INACTIVE_ANON), 3, "NR_INACTIVE_ANON 3");

	/* a corrupted ext is caught */
	ext_of(p[1])->index++;
	rmm_port_quiet = 1;
	ok(rmm_memobj_validate(obj) > 0, "validate catches a wrong ext index");
	rmm_port_quiet = 0;
	ext_of(p[1])->index--;

	rmm_memview_put(b);
	rmm_memview_put(a);
	rmm_memobj_put(obj);
	is_long(lru_size(RMM_LRU_INACTIVE_ANON) + lru_size(RMM_LRU_ACTIVE_ANON),
		0, "every page off the LRU");
	is_long(rmm_lru_validate(&mm), 0, "lru validate clean");
	is_long(nfree(), free0, "every page back");
}

/* ---- swap ---------------------------------------------------------- */

static int swap_type;

static unsigned long swap_free_slots(void)
{
	unsigned long total, fr;

	rmm_swap_totals(&mm, &total, &fr);
	return fr;
}

/* random contents, remembered in @keep */
static void fill_random(struct rmm_page *p, u8 *keep, u64 seed)
{
	rmm_test_fill_random(&mm, p, keep, seed);
}

static bool same(struct rmm_page *p, const u8 *keep)
{
	return rmm_test_same(&mm, p, keep);
}

/* the injection hook during pageout: what it saw and what it does */
static u32 po_entry;
static int po_hits;
static struct rmm_memview *po_fault_view, *po_punch_view;
static u64 po_pgoff;
static struct rmm_fault po_fault;
static struct rmm_plist po_victims;
static bool po_in_cache;

static void po_hook(int point, void *arg)
{
	struct rmm_page *page = arg;
	struct rmm_page_ext *ext = rmm_page_ext(&mm, page);

	if (point != RMM_INJECT_MEMOBJ_PAGEOUT)
		return;
	po_hits++;
	po_entry = ext->swap;
	po_in_cache = (ext->flags & RMM_EXT_SWAPCACHE) &&
		(ext->flags & RMM_EXT_WRITEBACK) &&
		rmm_swapcache_lookup(&mm, po_entry) == page;
	if (po_fault_view) {
		fault(po_fault_view, po_pgoff, false, &po_fault);
		po_fault_view = NULL;
	}
	if (po_punch_view) {
		struct rmm_pgrange r = { po_pgoff, 1 };

		rmm_memview_punch(po_punch_view, &r, &po_victims);
		po_punch_view = NULL;
	}
}

/*
 * What vmscan does with one page: isolate it, ask ->pageout(), free it
 * when the owner let go (FREED), else put it back (freeing an orphan),
 * then unpin.
 */
static enum rmm_pageout reclaim(struct rmm_page *p, bool may_swap)
{
	struct rmm_lruvec *lruvec = rmm_node_lruvec(&mm, 0);
	struct rmm_plist iso, orphans;
	enum rmm_pageout ret;
	void *owner;

	rmm_plist_init(&iso);
	rmm_plist_init(&orphans);
	if (!isolate(p, &iso))
		return -1;
	owner = ext_of(p)->owner;
	rmm_port_inject_hook = po_hook;
	ret = rmm_memobj_lru_ops.pageout(&mm, p, may_swap);
	rmm_port_inject_hook = NULL;
	if (ret == RMM_PAGEOUT_FREED || ret == RMM_PAGEOUT_CLEAN) {
		rmm_plist_pop(&mm, &iso);
		rmm_lru_isolated_done(&mm, p);
		p->next = p->prev = RMM_NIL;
		rmm_mm_free_pages(&mm, p, 0);
	} else {
		if (ret == RMM_PAGEOUT_ACTIVATE)
			RmmSetPageActive(p);
		rmm_lru_putback(&mm, lruvec, &iso, &orphans);
		while (!rmm_plist_empty(&orphans)) {
			struct rmm_page *o = rmm_plist_pop(&mm, &orphans);

			o->next = o->prev = RMM_NIL;
			rmm_mm_free_pages(&mm, o, 0);
		}
	}
	rmm_memobj_lru_ops.unpin(&mm, owner);
	return ret;
}

static bool clean(struct rmm_memobj *obj)
{
	return !rmm_memobj_validate(obj) && !rmm_swap_validate(&mm) &&
		!rmm_lru_validate(&mm);
}

static void test_swap_private(void)
{
	static u8 keep[6][4096];
	struct rmm_pgrange all = { 0, ~0ULL };
	struct rmm_memobj *obj;
	struct rmm_memview *a, *b;
	struct rmm_page *p[6];
	struct rmm_plist vl;
	struct rmm_fault f;
	unsigned long free0 = nfree(), slots0;
	unsigned long maj0, ws0, reads0, writes0;
	bool first;
	u32 e;
	int i;

	rmm_plist_init(&vl);
	obj = rmm_memobj_create(&mm, RMM_MEMOBJ_PRIVATE, 0, GFP);
	rmm_memobj_set_host(obj, 0x77);
	a = rmm_memview_get(obj, 1);
	for (i = 0; i < 6; i++) {
		fault(a, i, true, &f);
		p[i] = f.page;
		fill_random(p[i], keep[i], i + 1);
	}

	/* no device: anon pages cannot be reclaimed (activate); no may_swap: keep */
	is_long(reclaim(p[0], true), RMM_PAGEOUT_ACTIVATE,
		"pageout without swap: ACTIVATE (folio_alloc_swap() failed)");
	ok(RmmPageActive(p[0]) && rmm_test_lookup(a, 0) == p[0], "the page stays, activated");
	swap_type = rmm_swapon(&mm, 0x5a5a, "fake", DEV_PAGES, -1, 0);
	ok(swap_type >= 0, "swapon of the fake device (%d pages)", DEV_PAGES);
	slots0 = swap_free_slots();
	{
		/* back on the inactive list for isolate() */
		struct rmm_lruvec *lruvec = rmm_node_lruvec(&mm, 0);

		rmm_spin_lock(&lruvec->lru_lock);
		rmm_lru_del_locked(&mm, lruvec, p[0]);
		RmmClearPageActive(p[0]);
		rmm_lru_add_locked(&mm, lruvec, p[0], false);
		rmm_spin_unlock(&lruvec->lru_lock);
	}
	is_long(reclaim(p[0], false), RMM_PAGEOUT_KEEP, "pageout without may_swap: KEEP");

	/* out */
	writes0 = dev_writes;
	unmap_calls = 0;
	is_long(reclaim(p[1], true), RMM_PAGEOUT_FREED, "pageout of pgoff 1: FREED");
	ok(po_hits && po_in_cache, "during the write the page was in the swap cache, under writeback");
	e = po_entry;
	is_long(dev_writes - writes0, 1, "one write");
	ok(!rmm_test_lookup(a, 1), "pgoff 1 is no page any more");
	is_long(rmm_swap_count(&mm, e), 1, "its slot's count: one entry");
	is_long(rmm_memview_count_swap(a, &all), 1, "count_swap 1");
	is_long(rmm_memview_count(a, &all), 5, "count (resident) 5");
	is_long(node_stat(RMM_NR_ANON_MAPPED), 5, "NR_ANON_MAPPED 5");
	is_long(lru_size(RMM_LRU_INACTIVE_ANON), 6 - 1, "the LRU lost it");
	is_long(node_stat(RMM_NR_SWAPCACHE), 0, "not in the swap cache any more");
	ok(unmap_calls == 1 && unmap_last_cookie == 0x77 && unmap_last_pgoff == 1,
	   "its entries were removed (unmap_obj(0x77, 1, 1))");
	is_long(swap_free_slots(), slots0 - 1, "one slot used");
	is_long(free0 - nfree(), 5, "the page went back to the allocator");
	ok(clean(obj), "validate (memobj, swap, lru) clean");

	/* in */
	maj0 = rmm_vm_event_state(&mm, RMM_PGMAJFAULT);
	ws0 = node_stat(RMM_WORKINGSET_REFAULT_ANON);
	reads0 = dev_reads;
	is_long(fault(a, 1, false, &f), 0, "read fault on the swap entry");
	ok(f.major && same(f.page, keep[1]), "major; contents back byte for byte");
	ok(!f.map_writable,
	   "read-only: it stays in the swap cache with its slot (swap not half full)");
	is_long(dev_reads - reads0, 1, "one read");
	is_long(rmm_vm_event_state(&mm, RMM_PGMAJFAULT) - maj0, 1, "pgmajfault +1");
	is_long(node_stat(RMM_WORKINGSET_REFAULT_ANON) - ws0, 1, "workingset_refault_anon +1");
	is_long(swap_free_slots(), slots0 - 1, "the slot is still used");
	is_long(node_stat(RMM_NR_SWAPCACHE), 1, "the page is in the swap cache");
	ok(owned(f.page, obj, 1), "the page is on the LRU, ours at 1");
	is_long(node_stat(RMM_NR_ANON_MAPPED), 6, "NR_ANON_MAPPED 6");
	ok(clean(obj), "validate clean");
	p[1] = f.page;
	writes0 = dev_writes;
	is_long(reclaim(p[1], true), RMM_PAGEOUT_CLEAN,
		"clean in the swap cache: reclaimed again");
	is_long(dev_writes - writes0, 0, "without a write");
	is_long(swap_free_slots(), slots0 - 1, "into the same slot");
	is_long(fault(a, 1, false, &f), 0, "read back again");
	ok(f.major && same(f.page, keep[1]) && !f.map_writable,
	   "major, contents, read-only");
	p[1] = f.page;
	is_long(fault(a, 1, true, &f), 0, "a write fault");
	ok(!f.major && f.page == p[1] && f.map_writable,
	   "minor, the same page, writable now");
	is_long(swap_free_slots(), slots0, "the write gave the slot up");
	is_long(node_stat(RMM_NR_SWAPCACHE), 0, "out of the swap cache");
	ok(clean(obj), "validate clean");

	/* a shared (forked) page: swapped once, read once into both views */
	b = rmm_memview_fork(a, 2, &first);
	writes0 = dev_writes;
	is_long(reclaim(p[2], true), RMM_PAGEOUT_FREED, "pageout of the shared pgoff 2");
	e = po_entry;
	is_long(dev_writes - writes0, 1, "written once");
	is_long(rmm_swap_count(&mm, e), 2, "slot count 2 (A's and B's entries)");
	ok(!rmm_test_lookup(a, 2) && !rmm_test_lookup(b, 2), "neither view has a page at 2");
	ok(clean(obj), "validate clean (swap counts = entries)");
	reads0 = dev_reads;
	fault(b, 2, false, &f);
	ok(f.major && same(f.page, keep[2]) && !f.map_writable,
	   "B reads it back: major, contents, read-only (A's entry holds the slot)");
	is_long(node_stat(RMM_NR_SWAPCACHE), 1, "the page is in the swap cache for A");
	p[2] = f.page;
	fault(a, 2, false, &f);
	ok(!f.major && f.page == p[2] && !f.map_writable,
	   "A finds the same page in the swap cache (minor), read-only");
	is_long(dev_reads - reads0, 1, "one read for both");
	is_long(p[2]->private, 2, "share count 2");
	is_long(swap_free_slots(), slots0 - 1,
		"no entry holds the slot, the swap cache still does");
	fault(b, 2, true, &f);
	ok(f.replaced && same(f.page, keep[2]), "B writes: a copy (shared with A)");
	fault(a, 2, true, &f);
	ok(!f.replaced && f.page == p[2] && f.map_writable,
	   "A writes: its own page now, writable");
	is_long(node_stat(RMM_NR_SWAPCACHE), 0, "and out of the swap cache");
	ok(clean(obj), "validate clean");

	/* fork of swapped entries raises their counts */
	is_long(reclaim(p[3], true), RMM_PAGEOUT_FREED, "pageout of pgoff 3 (A only)");
	e = po_entry;
	rmm_memview_put(b);
	b = rmm_memview_fork(a, 3, &first);
	ok(b && first, "fork with a swap entry");
	is_long(rmm_swap_count(&mm, e), 2, "the slot's count is 2");
	is_long(rmm_memview_count_swap(b, &all), 1, "the child holds the swap entry");
	ok(clean(obj), "validate clean");
	fault(a, 3, false, &f);
	p[3] = f.page;
	fault(b, 3, false, &f);
	ok(f.page == p[3] && same(p[3], keep[3]), "both read the same page back");

	/* punch of a swapped range frees the slots */
	is_long(swap_free_slots(), slots0 - 1, "pgoff 3's page keeps its slot (cache)");
	is_long(reclaim(p[4], true), RMM_PAGEOUT_FREED, "pageout of 4 (A, B)");
	is_long(reclaim(p[5], true), RMM_PAGEOUT_FREED, "pageout of 5 (A, B)");
	is_long(swap_free_slots(), slots0 - 3, "two slots more used");
	{
		struct rmm_pgrange r = { 4, 2 };

		is_long(rmm_memview_punch(a, &r, &vl), 2, "A punches [4, 6): two entries");
		is_long(swap_free_slots(), slots0 - 3, "B still holds both");
		is_long(rmm_memview_punch(b, &r, &vl), 2, "B punches [4, 6)");
		ok(rmm_plist_empty(&vl), "no page to free");
		is_long(swap_free_slots(), slots0 - 1, "both slots free");
	}
	ok(clean(obj), "validate clean");

	rmm_memview_put(b);
	rmm_memview_put(a);
	rmm_memobj_put(obj);
	is_long(nfree(), free0, "every page back");
	is_long(swap_free_slots(), slots0, "every slot back");
}

/*
 * A fault while the page is being written finds it in the swap cache and
 * takes it back (the reclaimer keeps it); a punch meanwhile makes it an
 * orphan the reclaimer frees; a failed write keeps it in the cache.
 */
/*
 * A new PRIVATE object's view (cookie 1) with pgoffs 0..@n-1 written with
 * random contents (seeds @seed + pgoff), remembered in @keep
 */
static struct rmm_memview *private_filled(struct rmm_memobj **obj,
					  struct rmm_page **p,
					  u8 (*keep)[4096], int n, u64 seed)
{
	struct rmm_memview *v;
	struct rmm_fault f;
	int i;

	*obj = rmm_memobj_create(&mm, RMM_MEMOBJ_PRIVATE, 0, GFP);
	v = rmm_memview_get(*obj, 1);
	for (i = 0; i < n; i++) {
		fault(v, i, true, &f);
		p[i] = f.page;
		fill_random(p[i], keep[i], seed + i);
	}
	return v;
}

/* every page of @v punched and freed, then @v and @obj put */
static void put_punched(struct rmm_memobj *obj, struct rmm_memview *v)
{
	struct rmm_pgrange all = { 0, ~0ULL };
	struct rmm_plist vl;

	rmm_plist_init(&vl);
	rmm_memview_punch(v, &all, &vl);
	free_victims(obj, &vl);
	rmm_memview_put(v);
	rmm_memobj_put(obj);
}

static void test_swap_races(void)
{
	static u8 keep[4][4096];
	struct rmm_pgrange all = { 0, ~0ULL };
	struct rmm_memobj *obj;
	struct rmm_memview *a;
	struct rmm_page *p[4];
	struct rmm_fault f;
	unsigned long free0 = nfree(), slots0 = swap_free_slots(), reads0;

	rmm_plist_init(&po_victims);
	a = private_filled(&obj, p, keep, 4, 100);

	po_fault_view = a;
	po_pgoff = 0;
	reads0 = dev_reads;
	is_long(reclaim(p[0], true), RMM_PAGEOUT_KEEP,
		"a fault during the write took the page back: KEEP");
	ok(po_fault.page == p[0] && !po_fault.major,
	   "the fault found it in the swap cache (minor, no read)");
	is_long(dev_reads, reads0, "nothing read");
	ok(rmm_test_lookup(a, 0) == p[0] && same(p[0], keep[0]) && RmmPageLru(p[0]),
	   "the page is back in the index and on the LRU, contents kept");
	is_long(node_stat(RMM_NR_SWAPCACHE), 0, "out of the swap cache (no entry holds the slot)");
	is_long(swap_free_slots(), slots0, "the slot is free");
	is_long(node_stat(RMM_NR_ANON_MAPPED), 4, "NR_ANON_MAPPED 4");
	ok(clean(obj), "validate clean");

	po_fault_view = a;
	po_punch_view = a;
	po_pgoff = 1;
	is_long(reclaim(p[1], true), RMM_PAGEOUT_FREED,
		"taken back and punched during the write: FREED (nothing holds it)");
	is_long(po_victims.nr, 0, "the punch left the page being written to its writer");
	ok(!rmm_test_lookup(a, 1), "pgoff 1 is a hole");
	is_long(swap_free_slots(), slots0, "the slot is free");
	is_long(node_stat(RMM_NR_SWAPCACHE), 0, "swap cache empty");
	is_long(free0 - nfree(), 3, "the orphan was freed by the reclaimer");
	ok(clean(obj), "validate clean");

	dev_fail_writes = true;
	is_long(reclaim(p[2], true), RMM_PAGEOUT_KEEP, "a failed write: KEEP");
	dev_fail_writes = false;
	ok(RmmPageDirty(p[2]) && node_stat(RMM_NR_SWAPCACHE) == 1 && RmmPageLru(p[2]),
	   "the page stays in the swap cache, dirty, on the LRU");
	is_long(rmm_memview_count_swap(a, &all), 1, "the index holds its swap entry");
	ok(clean(obj), "validate clean");
	fault(a, 2, false, &f);
	ok(f.page == p[2] && !f.major && same(p[2], keep[2]) && !f.map_writable,
	   "a read fault takes it from the cache, contents kept, read-only");
	ok(RmmPageDirty(p[2]) && node_stat(RMM_NR_SWAPCACHE) == 1,
	   "it stays in the cache, dirty (the next pageout writes it)");
	fault(a, 2, true, &f);
	ok(f.page == p[2] && f.map_writable, "a write fault: the same page, writable");
	ok(!RmmPageDirty(p[2]) && node_stat(RMM_NR_SWAPCACHE) == 0,
	   "out of the cache, clean");
	is_long(swap_free_slots(), slots0, "the slot is free");

	rmm_memview_put(a);
	rmm_memobj_put(obj);
	is_long(nfree(), free0, "every page back");
	ok(!rmm_swap_validate(&mm) && !rmm_lru_validate(&mm), "swap and lru clean");
}

/* swapoff: every entry of the device read back into every view */
static void test_swap_unuse(void)
{
	static u8 keep[3][4096], skeep[4096];
	struct rmm_pgrange all = { 0, ~0ULL };
	struct rmm_memobj *obj, *sh;
	struct rmm_memview *a, *b, *s;
	struct rmm_page *p[3], *sp;
	struct rmm_plist vl;
	struct rmm_fault f;
	unsigned long free0 = nfree(), slots0 = swap_free_slots();
	bool first;
	u64 cookie = 0;
	int i;

	rmm_plist_init(&vl);
	obj = rmm_memobj_create(&mm, RMM_MEMOBJ_PRIVATE, 0, GFP);
	a = rmm_memview_get(obj, 1);
	for (i = 0; i < 3; i++) {
		fault(a, i, true, &f);
		p[i] = f.page;
		fill_random(p[i], keep[i], 200 + i);
	}
	b = rmm_memview_fork(a, 2, &first);
	/* a shared object's page too (NR_SHMEM, NR_FILE_PAGES) */
	sh = rmm_memobj_create(&mm, RMM_MEMOBJ_SHARED, 0, GFP);
	rmm_memobj_set_size(sh, 4, &vl);
	s = rmm_memview_get(sh, 1);
	fault(s, 3, true, &f);
	sp = f.page;
	fill_random(sp, skeep, 300);
	is_long(reclaim(sp, true), RMM_PAGEOUT_FREED, "pageout of a shared object's page");
	ok(node_stat(RMM_NR_SHMEM) == 0 && node_stat(RMM_NR_FILE_PAGES) == 0 &&
	   node_stat(RMM_NR_FILE_MAPPED) == 0, "NR_SHMEM, NR_FILE_PAGES, NR_FILE_MAPPED 0");
	is_long(rmm_memview_count_swap(s, &all), 1, "the shared view holds a swap entry");
	for (i = 0; i < 3; i++)
		is_long(reclaim(p[i], true), RMM_PAGEOUT_FREED, "pageout of %d (A, B)", i);
	is_long(node_stat(RMM_NR_ANON_MAPPED), 0, "NR_ANON_MAPPED 0: all out");
	is_long(swap_free_slots(), slots0 - 4, "4 slots used");
	ok(clean(obj) && clean(sh), "validate clean");

	is_long(rmm_swapoff(&mm, swap_type, &cookie), 0, "swapoff");
	is_long(cookie, 0x5a5a, "the device's cookie");
	is_long(rmm_memview_count_swap(a, &all) + rmm_memview_count_swap(b, &all) +
		rmm_memview_count_swap(s, &all), 0, "no swap entry left");
	for (i = 0; i < 3; i++)
		ok(rmm_test_lookup(a, i) && rmm_test_lookup(a, i) == rmm_test_lookup(b, i) &&
		   same(rmm_test_lookup(a, i), keep[i]) && rmm_test_lookup(a, i)->private == 2,
		   "pgoff %d: one page back in both views, contents kept", i);
	ok(same(rmm_test_lookup(s, 3), skeep), "the shared object's page is back");
	is_long(node_stat(RMM_NR_ANON_MAPPED), 3, "NR_ANON_MAPPED 3");
	ok(node_stat(RMM_NR_SHMEM) == 1 && node_stat(RMM_NR_FILE_PAGES) == 1,
	   "NR_SHMEM, NR_FILE_PAGES 1");
	is_long(node_stat(RMM_NR_SWAPCACHE), 0, "swap cache empty");
	ok(clean(obj) && clean(sh), "validate clean");

	rmm_memview_put(s);
	rmm_memobj_put(sh);
	rmm_memview_put(b);
	rmm_memview_put(a);
	rmm_memobj_put(obj);
	is_long(nfree(), free0, "every page back");
}

/* a slot's count at its maximum (0x3e): the fork fails cleanly */
static void test_swap_fork_enomem(void)
{
	struct rmm_memview *v[RMM_SWAP_MAP_MAX + 1];
	struct rmm_memobj *obj;
	struct rmm_fault f;
	unsigned long free0 = nfree(), slots0 = swap_free_slots();
	long meta;
	bool first;
	u32 e;
	int i, n;

	obj = rmm_memobj_create(&mm, RMM_MEMOBJ_PRIVATE, 0, GFP);
	v[0] = rmm_memview_get(obj, 1);
	fault(v[0], 0, true, &f);
	write_tag(f.page, 0x3e);
	is_long(reclaim(f.page, true), RMM_PAGEOUT_FREED, "pageout");
	e = po_entry;
	for (n = 1; n < RMM_SWAP_MAP_MAX; n++) {
		v[n] = rmm_memview_fork(v[0], 100 + n, &first);
		if (!v[n])
			break;
	}
	is_long(n, RMM_SWAP_MAP_MAX, "62 views hold the entry");
	is_long(rmm_swap_count(&mm, e), RMM_SWAP_MAP_MAX, "count at the maximum");
	meta = rmm_memobj_metadata_bytes(&mm);
	rmm_port_quiet = 1;
	ok(!rmm_memview_fork(v[0], 999, &first), "the 63rd fork fails (-ENOMEM)");
	rmm_port_quiet = 0;
	is_long(rmm_swap_count(&mm, e), RMM_SWAP_MAP_MAX, "count unchanged");
	is_long(rmm_memobj_metadata_bytes(&mm), meta, "the child's view and index freed");
	ok(clean(obj), "validate clean");
	fault(v[5], 0, false, &f);
	ok(all_bytes(f.page, 0x3e), "a view reads it back");
	is_long(reclaim(f.page, true), RMM_PAGEOUT_KEEP,
		"62 views (over 32): reclaim leaves the object alone (KEEP)");
	for (i = n - 1; i >= 0; i--)
		rmm_memview_put(v[i]);
	rmm_memobj_put(obj);
	is_long(nfree(), free0, "every page back");
	is_long(swap_free_slots(), slots0, "every slot back");
}

/*
 * The threads of test_stress() (each its own fork of a parent, faulting,
 * writing tags, punching, checking every read) while a reclaimer thread
 * does what vmscan does to both anon lists: isolate a batch, referenced()
 * (young: activate), else pageout(), free what the owner let go of, put
 * back the rest.  Every read must still see its view's data.
 */
static atomic_int sw_stop;

static void *sw_reclaimer(void *arg)
{
	struct rmm_lruvec *lruvec = rmm_node_lruvec(&mm, 0);
	void *owners[32];
	int round = 0;

	rmm_port_set_cpu(3);
	while (!atomic_load(&sw_stop)) {
		enum rmm_lru_list lru = round++ % 4 ? RMM_LRU_INACTIVE_ANON :
			RMM_LRU_ACTIVE_ANON;
		struct rmm_plist iso, back, orphans;
		unsigned long taken = 0;
		struct rmm_page *p;
		int n = 0, i;

		rmm_plist_init(&iso);
		rmm_plist_init(&back);
		rmm_plist_init(&orphans);
		rmm_lru_isolate(&mm, lruvec, lru, 32, &iso, &taken);
		while ((p = rmm_plist_pop(&mm, &iso))) {
			int ref;

			owners[n++] = ext_of(p)->owner;
			ref = rmm_memobj_lru_ops.referenced(&mm, p);
			if (ref < 0) {
				atomic_fetch_add(&sw_busy, 1);
			} else if (ref > 0) {
				atomic_fetch_add(&sw_young, 1);
				RmmSetPageActive(p);
			} else if (lru == RMM_LRU_ACTIVE_ANON) {
				RmmClearPageActive(p);	/* deactivate */
			} else {
				switch (rmm_memobj_lru_ops.pageout(&mm, p, true)) {
				case RMM_PAGEOUT_FREED:
				case RMM_PAGEOUT_CLEAN:
					rmm_lru_isolated_done(&mm, p);
					p->next = p->prev = RMM_NIL;
					rmm_mm_free_pages(&mm, p, 0);
					atomic_fetch_add(&sw_freed, 1);
					continue;
				case RMM_PAGEOUT_ACTIVATE:
					RmmSetPageActive(p);
					break;
				default:
					break;
				}
			}
			rmm_plist_add_tail(&mm, &back, p);
		}
		rmm_lru_putback(&mm, lruvec, &back, &orphans);
		while ((p = rmm_plist_pop(&mm, &orphans))) {
			p->next = p->prev = RMM_NIL;
			rmm_mm_free_pages(&mm, p, 0);
		}
		for (i = 0; i < n; i++)
			rmm_memobj_lru_ops.unpin(&mm, owners[i]);
	}
	return NULL;
}

static void test_swap_stress(void)
{
	pthread_t th[ST_PRIV], rec;
	struct st_arg args[ST_PRIV];
	unsigned long free0 = nfree(), slots0 = swap_free_slots();
	struct rmm_fault f;
	int i;

	atomic_store(&st_errors, 0);
	st_priv = rmm_memobj_create(&mm, RMM_MEMOBJ_PRIVATE, 0, GFP);
	st_parent = rmm_memview_get(st_priv, 1);
	for (i = 0; i < ST_PAGES; i++) {
		fault(st_parent, i, true, &f);
		set_tag(f.page, 0xfeed0000ULL + i);
	}
	atomic_store(&st_until_reclaimed, 1);
	pthread_create(&rec, NULL, sw_reclaimer, NULL);
	for (i = 0; i < ST_PRIV; i++) {
		args[i].id = i;
		pthread_create(&th[i], NULL, st_private, &args[i]);
	}
	for (i = 0; i < ST_PRIV; i++)
		pthread_join(th[i], NULL);
	atomic_store(&sw_stop, 1);
	pthread_join(rec, NULL);
	atomic_store(&st_until_reclaimed, 0);
	is_long(atomic_load(&st_errors), 0,
		"threads under reclaim: every read saw its own view's data");
	ok(atomic_load(&sw_freed) > 100 && atomic_load(&sw_young) > 100,
	   "the reclaimer swapped pages out (%ld) and found young ones (%ld); busy %ld",
	   atomic_load(&sw_freed), atomic_load(&sw_young),
	   atomic_load(&sw_busy));
	is_long(rmm_memobj_validate(st_priv), 0, "validate after the threads");
	is_long(rmm_lru_validate(&mm), 0, "lru validate");
	is_long(rmm_swap_validate(&mm), 0, "swap validate");
	for (i = 0; i < ST_PAGES; i++) {
		fault(st_parent, i, false, &f);
		if (get_tag(f.page) != 0xfeed0000ULL + i)
			break;
	}
	is_long(i, ST_PAGES, "the parent's pages read back intact");
	rmm_memview_put(st_parent);
	rmm_memobj_put(st_priv);
	is_long(nfree(), free0, "every page back");
	is_long(swap_free_slots(), slots0, "every slot back");
	is_long(node_stat(RMM_NR_SWAPCACHE), 0, "swap cache empty");
}

/*
 * A fault on a full instance reclaims, and the pages it can take are its
 * own object's: the fault drops the view lock while it allocates with
 * direct reclaim (reclaim only trylocks view locks).  One object fills
 * every free page and 256 more; each fault succeeds, the earliest pages
 * go to swap, and every page reads back with its own byte.
 */
static void test_swap_own_fault(void)
{
	struct rmm_pgrange all = { 0, ~0ULL };
	struct rmm_memobj *obj;
	struct rmm_memview *v;
	struct rmm_fault f;
	unsigned long n, i, bad = 0, failed = 0;
	unsigned long out0 = rmm_vm_event_state(&mm, RMM_PSWPOUT);

	is_long(rmm_reclaim_init(&mm), 0, "reclaim state (direct reclaim)");
	n = nfree() + 256;	/* the device has room for them (1023 slots) */
	obj = rmm_memobj_create(&mm, RMM_MEMOBJ_PRIVATE, 0, GFP);
	rmm_memobj_set_host(obj, 0x78);
	v = rmm_memview_get(obj, 1);
	for (i = 0; i < n; i++) {
		if (fault(v, i, true, &f)) {
			failed++;
			continue;
		}
		memset(addr(f.page), (int)(i * 7 + 1), 4096);
	}
	is_long(failed, 0, "%lu faults on a full instance all got a page", n);
	ok(rmm_vm_event_state(&mm, RMM_PSWPOUT) > out0 &&
	   rmm_memview_count_swap(v, &all) > 0,
	   "direct reclaim swapped pages of the faulting object itself (%lu swapped)",
	   (unsigned long)rmm_memview_count_swap(v, &all));
	for (i = 0; i < n && !failed; i++) {
		if (fault(v, i, false, &f) ||
		    !all_bytes(f.page, (u8)(i * 7 + 1)))
			bad++;
	}
	is_long(bad, 0, "every page reads back its own byte");
	is_long(rmm_memobj_validate(obj), 0, "object valid");
	put_punched(obj, v);
	rmm_reclaim_fini(&mm);
}

/*
 * A fault reads its page back with the view lock dropped: while the read
 * runs, the view is unlocked, reclaim takes another page of the same
 * object, and a second reader of the slot is refused (HAS_CACHE); a punch
 * of the page during the read makes the fault start again on a hole, with
 * the slot freed and the page it read given back.
 */
/* vm.page-cluster (swap readahead: 1 << n pages, 0 = off) */
static void set_page_cluster(long n)
{
	is_long(rmm_set_tunable(&mm, RMM_TUNE_PAGE_CLUSTER, &n, 1), 0,
		"page-cluster %ld", n);
}

static struct rmm_memview *rd_view;
static struct rmm_memobj *rd_obj;
static struct rmm_page *rd_victim;
static u64 rd_punch = ~0ULL;
static bool rd_unlocked, rd_busy;
static int rd_reclaimed = -1;

static void rd_hook(u64 offset)
{
	dev_read_hook = NULL;	/* once */
	rd_unlocked = !rmm_memview_is_locked(rd_view);
	rd_busy = rmm_swapcache_prepare(&mm, rmm_swp_entry(0, offset)) ==
		-EEXIST;
	if (rd_victim)
		rd_reclaimed = reclaim(rd_victim, true);
	if (rd_punch != ~0ULL) {
		struct rmm_pgrange r = { rd_punch, 1 };
		struct rmm_plist vl;

		rmm_plist_init(&vl);
		rmm_memview_punch(rd_view, &r, &vl);
		free_victims(rd_obj, &vl);
	}
}

static void test_swap_read_unlocked(void)
{
	static u8 keep[3][4096];
	struct rmm_pgrange all = { 0, ~0ULL };
	unsigned long free0 = nfree(), slots0 = swap_free_slots();
	struct rmm_memobj *obj;
	struct rmm_memview *v;
	struct rmm_page *p[3];
	struct rmm_fault f;
	int i;

	/* no readahead: page 0's read must not bring page 2 in */
	set_page_cluster(0);
	obj = rmm_memobj_create(&mm, RMM_MEMOBJ_PRIVATE, 0, GFP);
	v = rmm_memview_get(obj, 1);
	for (i = 0; i < 3; i++) {
		fault(v, i, true, &f);
		p[i] = f.page;
		fill_random(p[i], keep[i], 300 + i);
	}
	is_long(reclaim(p[0], true), RMM_PAGEOUT_FREED, "page 0 swapped out");
	is_long(reclaim(p[2], true), RMM_PAGEOUT_FREED, "page 2 swapped out");

	rd_view = v;
	rd_obj = obj;
	rd_victim = p[1];
	dev_read_hook = rd_hook;
	is_long(fault(v, 0, false, &f), 0, "a fault reads page 0 back");
	ok(rd_unlocked, "the view lock is not held during the read");
	ok(rd_busy, "a second reader of the slot is refused meanwhile (HAS_CACHE)");
	is_long(rd_reclaimed, RMM_PAGEOUT_FREED,
		"reclaim swaps out another page of the object meanwhile");
	ok(f.major && same(f.page, keep[0]) && rmm_test_lookup(v, 0) == f.page,
	   "the fault maps the page it read (major), contents kept");
	ok(node_stat(RMM_NR_SWAPCACHE) == 1 && !f.map_writable,
	   "kept in the swap cache with its slot, read-only (swap not half full)");
	ok(clean(obj), "validate clean");

	rd_victim = NULL;
	rd_punch = 2;
	dev_read_hook = rd_hook;
	is_long(fault(v, 2, false, &f), 0, "a fault on page 2, punched while it reads");
	rd_punch = ~0ULL;
	ok(f.major && f.page && all_bytes(f.page, 0),
	   "it starts again and finds a hole: a zero page (major: it read, as do_swap_page() counts)");
	is_long(rmm_memview_count_swap(v, &all), 1,
		"one swap entry left (page 1's)");
	ok(clean(obj), "validate clean");

	fault(v, 1, false, &f);
	ok(same(f.page, keep[1]), "page 1 reads back");
	put_punched(obj, v);
	is_long(swap_free_slots(), slots0, "every slot back");
	is_long(nfree(), free0, "every page back");
	set_page_cluster(3);
}

/*
 * __swapin_nr_pages() by hand (6.12 and 6.1 mm/swap_state.c): pages =
 * hits + 2; 2 (no hits) stays only for an adjacent offset, else 1; more
 * rounds up to a power of two >= 4; capped at max_pages; never below
 * half the previous window.
 */
static void test_swap_ra_window(void)
{
	is_long(rmm_swapin_nr_pages(0, 4, 4, 8, 0), 8,
		"hits 4 (a new VMA's): 6 -> 8");
	is_long(rmm_swapin_nr_pages(4, 9, 0, 8, 0), 1,
		"no hits, not adjacent: 1");
	is_long(rmm_swapin_nr_pages(8, 9, 0, 8, 0), 2, "no hits, prev + 1: 2");
	is_long(rmm_swapin_nr_pages(10, 9, 0, 8, 0), 2, "no hits, prev - 1: 2");
	is_long(rmm_swapin_nr_pages(0, 100, 1, 8, 0), 4, "hits 1: 3 -> 4");
	is_long(rmm_swapin_nr_pages(0, 100, 3, 8, 0), 8, "hits 3: 5 -> 8");
	is_long(rmm_swapin_nr_pages(0, 100, 7, 32, 0), 16, "hits 7: 9 -> 16");
	is_long(rmm_swapin_nr_pages(0, 100, 63, 32, 0), 32,
		"hits 63: 65 -> 128, capped at 32");
	is_long(rmm_swapin_nr_pages(0, 100, 5, 4, 0), 4, "capped at max 4");
	is_long(rmm_swapin_nr_pages(0, 100, 0, 8, 8), 4,
		"1, but half the last window 8: 4");
	is_long(rmm_swapin_nr_pages(0, 100, 0, 8, 3), 1,
		"1, half the last window 3 is 1: 1");
}

static unsigned long ev(enum rmm_vm_event_item i)
{
	return rmm_vm_event_state(&mm, i);
}

/* the page of @obj's @pgoff in the fake device's swap cache, if any */
static struct rmm_page *ra_cached(struct rmm_memobj *obj, u64 pgoff)
{
	struct rmm_swap_info *si = mm.swap->info[swap_type];
	unsigned long o;

	for (o = 1; o < si->max; o++) {
		struct rmm_page *pg;

		if (si->cache[o] == RMM_NIL || rmm_is_shadow(si->cache[o]))
			continue;
		pg = rmm_mm_idx_to_page(&mm, si->cache[o]);
		if (ext_of(pg)->owner == obj && ext_of(pg)->index == pgoff)
			return pg;
	}
	return NULL;
}

static struct rmm_memview *ra_view;
static struct rmm_memobj *ra_obj;

/* in the middle of the batch's first read: punch pgoff 1 */
static void ra_punch_hook(u64 offset)
{
	struct rmm_pgrange r = { 1, 1 };
	struct rmm_plist vl;

	dev_read_hook = NULL;
	rmm_plist_init(&vl);
	rmm_memview_punch(ra_view, &r, &vl);
	free_victims(ra_obj, &vl);
}

#define RA_PAGES	16

/* pgoffs 0..RA_PAGES-1 of @v written with random contents, then swapped out */
static bool ra_fill_out(struct rmm_memview *v, struct rmm_page **p,
			u8 (*keep)[4096], u64 seed)
{
	struct rmm_fault f;
	bool good = true;
	int i;

	for (i = 0; i < RA_PAGES; i++) {
		fault(v, i, true, &f);
		p[i] = f.page;
		fill_random(p[i], keep[i], seed + i);
	}
	for (i = 0; i < RA_PAGES; i++)
		good &= reclaim(p[i], true) == RMM_PAGEOUT_FREED;
	return good;
}

/*
 * swap_vma_readahead(): a fault reads its neighbours in the view's index
 * into the swap cache (swap_ra), in one batch; a fault on one is a minor
 * fault from the cache (swap_ra_hit); the window grows with the hits;
 * page-cluster 0 reads one page; nothing leaks.
 */
static void test_swap_readahead(void)
{
	static u8 keep[RA_PAGES][4096];
	unsigned long free0 = nfree(), slots0 = swap_free_slots();
	unsigned long ra0, hit0, in0, maj0, rd0, wr0, calls0;
	struct rmm_page *p[RA_PAGES];
	struct rmm_memobj *obj;
	struct rmm_memview *v;
	struct rmm_fault f;
	struct rmm_plist vl;
	bool good;
	int i;

	test_swap_ra_window();
	mm.ops = &test_ops_batch;
	obj = rmm_memobj_create(&mm, RMM_MEMOBJ_PRIVATE, 0, GFP);
	v = rmm_memview_get(obj, 1);
	ok(ra_fill_out(v, p, keep, 900), "pgoffs 0..15 swapped out");

	/*
	 * a new view: hits 4 -> window 8; not next to the last fault (0):
	 * [4 - 3, 4 + 5) = pgoffs 1..8
	 */
	ra0 = ev(RMM_SWAP_RA);
	hit0 = ev(RMM_SWAP_RA_HIT);
	in0 = ev(RMM_PSWPIN);
	maj0 = ev(RMM_PGMAJFAULT);
	rd0 = dev_reads;
	calls0 = batch_calls;
	is_long(fault(v, 4, false, &f), 0, "fault on pgoff 4");
	ok(f.major && same(f.page, keep[4]), "major, contents kept");
	is_long(ev(RMM_SWAP_RA) - ra0, 7, "swap_ra +7 (pgoffs 1..3, 5..8)");
	is_long(ev(RMM_PSWPIN) - in0, 8, "pswpin +8");
	is_long(dev_reads - rd0, 8, "8 device reads");
	is_long(ev(RMM_PGMAJFAULT) - maj0, 1, "pgmajfault +1");
	ok(batch_calls - calls0 == 1 && batch_last_nr == 8,
	   "one swap_read_batch call of 8 pages (%d)", batch_last_nr);
	is_long(node_stat(RMM_NR_SWAPCACHE), 8,
		"8 pages in the swap cache (the fault's kept with its slot)");
	for (i = 1, good = true; i <= 8; i++)
		good &= (i == 4) == !!rmm_test_lookup(v, i);
	ok(good, "only pgoff 4 is in the index");
	ok(rmm_test_lookup(v, 0) == NULL && rmm_test_lookup(v, 9) == NULL,
	   "pgoffs 0 and 9 stay swap entries");
	ok(clean(obj), "validate clean with readahead pages in the cache");

	/* pgoffs 5..8: minor faults from the cache, 4 hits */
	in0 = ev(RMM_PSWPIN);
	for (i = 5, good = true; i <= 8; i++) {
		good &= !fault(v, i, false, &f) && !f.major &&
			same(f.page, keep[i]);
		good &= !(ext_of(f.page)->flags & RMM_EXT_READAHEAD);
	}
	ok(good, "pgoffs 5..8: minor faults, contents kept, PG_readahead cleared");
	is_long(ev(RMM_SWAP_RA_HIT) - hit0, 4, "swap_ra_hit +4");
	is_long(ev(RMM_PSWPIN) - in0, 0, "pswpin unchanged");
	is_long(ev(RMM_PGMAJFAULT) - maj0, 1, "pgmajfault unchanged");

	/*
	 * pgoff 9: 4 hits -> window 8, next to the last fault (8):
	 * [9, 17) = pgoffs 10..15 (16 is a hole)
	 */
	ra0 = ev(RMM_SWAP_RA);
	in0 = ev(RMM_PSWPIN);
	is_long(fault(v, 9, false, &f), 0, "fault on pgoff 9");
	is_long(ev(RMM_SWAP_RA) - ra0, 6, "swap_ra +6 (pgoffs 10..15)");
	is_long(ev(RMM_PSWPIN) - in0, 7, "pswpin +7");
	is_long(batch_first_offset, rmm_swp_offset(ext_of(f.page)->swap),
		"the fault's own page is read first");

	/* an untouched readahead page is reclaimed without a write */
	wr0 = dev_writes;
	p[10] = ra_cached(obj, 10);
	ok(p[10] && (ext_of(p[10])->flags & RMM_EXT_READAHEAD) &&
	   !p[10]->private, "pgoff 10: in the cache, PG_readahead, no holder");
	if (p[10])
		is_long(reclaim(p[10], true), RMM_PAGEOUT_CLEAN,
			"reclaimed without a write (CLEAN)");
	is_long(dev_writes - wr0, 0, "without a write");
	ok(!ra_cached(obj, 10), "out of the cache");
	ok(clean(obj), "validate clean");
	is_long(fault(v, 10, false, &f), 0, "fault on pgoff 10");
	ok(f.major && same(f.page, keep[10]), "read again (major), contents kept");

	/* page-cluster 0: one page */
	set_page_cluster(0);
	ra0 = ev(RMM_SWAP_RA);
	in0 = ev(RMM_PSWPIN);
	is_long(fault(v, 0, false, &f), 0, "page-cluster 0: fault on pgoff 0");
	ok(f.major && same(f.page, keep[0]), "major, contents kept");
	is_long(ev(RMM_SWAP_RA) - ra0, 0, "swap_ra unchanged");
	is_long(ev(RMM_PSWPIN) - in0, 1, "pswpin +1");
	set_page_cluster(3);
	is_long(dev_writes - wr0, 0, "no write");

	/* destroyed with readahead pages (10..15, 1..3) in the cache */
	ok(clean(obj), "validate clean");
	put_punched(obj, v);
	is_long(node_stat(RMM_NR_SWAPCACHE), 0, "swap cache empty");
	is_long(swap_free_slots(), slots0, "every slot back");
	is_long(nfree(), free0, "every page back");

	/* a neighbour punched while the batch reads: given back at once */
	v = private_filled(&obj, p, keep, 4, 950);
	for (i = 0, good = true; i < 4; i++)
		good &= reclaim(p[i], true) == RMM_PAGEOUT_FREED;
	ok(good, "pgoffs 0..3 swapped out");
	ra_view = v;
	ra_obj = obj;
	dev_read_hook = ra_punch_hook;
	ra0 = ev(RMM_SWAP_RA);
	/* new view, hits 4: window 8 = [2 - 3, 2 + 5) from 0: 0, 1, 3 */
	is_long(fault(v, 2, false, &f), 0,
		"fault on pgoff 2, pgoff 1 punched meanwhile");
	ok(f.major && same(f.page, keep[2]), "major, contents kept");
	is_long(ev(RMM_SWAP_RA) - ra0, 3, "swap_ra +3 (pgoffs 0, 1, 3 read)");
	is_long(node_stat(RMM_NR_SWAPCACHE), 3,
		"pgoff 1's page is not kept: 3 in the cache (0, 3 and the fault's)");
	ok(!ra_cached(obj, 1), "pgoff 1 not in the cache");
	ok(clean(obj), "validate clean");
	put_punched(obj, v);

	/*
	 * a SHARED object of 16 pages (its own window state): a fault just
	 * below the last one reads backwards
	 */
	obj = rmm_memobj_create(&mm, RMM_MEMOBJ_SHARED, 0, GFP);
	rmm_plist_init(&vl);
	rmm_memobj_set_size(obj, RA_PAGES, &vl);
	v = rmm_memview_get(obj, 1);
	ok(ra_fill_out(v, p, keep, 980), "shared: pgoffs 0..15 swapped out");
	/* hits 4: window 8 = [12 - 3, 12 + 5) below the size 16: 9..15 */
	ra0 = ev(RMM_SWAP_RA);
	is_long(fault(v, 12, false, &f), 0, "shared: fault on pgoff 12");
	ok(f.major && same(f.page, keep[12]), "major, contents kept");
	is_long(ev(RMM_SWAP_RA) - ra0, 6,
		"swap_ra +6 (pgoffs 9..11, 13..15)");
	hit0 = ev(RMM_SWAP_RA_HIT);
	ok(!fault(v, 9, false, &f) && !f.major && same(f.page, keep[9]),
	   "pgoff 9: minor, from the cache");
	is_long(ev(RMM_SWAP_RA_HIT) - hit0, 1, "swap_ra_hit +1");
	/*
	 * pgoff 8, below the last fault (9): 1 hit -> 4, half the last
	 * window 8 is 4: [8 - 4 + 1, 9) = pgoffs 5..7
	 */
	ra0 = ev(RMM_SWAP_RA);
	is_long(fault(v, 8, false, &f), 0, "shared: fault on pgoff 8");
	is_long(ev(RMM_SWAP_RA) - ra0, 3, "swap_ra +3 (pgoffs 5..7: backwards)");
	for (i = 5, good = true; i <= 7; i++)
		good &= !!ra_cached(obj, i);
	ok(good, "pgoffs 5..7 in the cache");
	ok(clean(obj), "validate clean");
	rmm_memview_put(v);
	rmm_memobj_put(obj);

	mm.ops = &test_ops;
	is_long(node_stat(RMM_NR_SWAPCACHE), 0, "swap cache empty");
	is_long(swap_free_slots(), slots0, "every slot back");
	is_long(nfree(), free0, "every page back");
}

/*
 * An asynchronous device (ops->swap_write_async): writes are taken (the
 * data copied, as swap_dev.c's bounce page) and end when the test says,
 * through rmm_swap_end_write(), as the glue's work item does.
 */
#define AW_MAX	8
static struct rmm_page *aw_page[AW_MAX];
static u64 aw_offset[AW_MAX];
static u8 aw_data[AW_MAX][4096];
static int aw_nr;

static int test_swap_write_async(struct rmm_mm *m, u64 cookie, u64 offset,
				 void *a, struct rmm_page *page)
{
	if (cookie != 0x5a5a || offset == 0 || offset >= DEV_PAGES ||
	    aw_nr == AW_MAX)
		return -EINVAL;
	aw_page[aw_nr] = page;
	aw_offset[aw_nr] = offset;
	memcpy(aw_data[aw_nr], a, 4096);
	aw_nr++;
	return 0;
}

static const struct rmm_mm_ops async_ops = {
	.unmap_obj		= test_unmap_obj,
	.swap_io		= test_swap_io,
	.swap_write_async	= test_swap_write_async,
};

/* end every pending write, with @err (the data reaches the device if 0) */
static void aw_end_all(int err)
{
	int i, n = aw_nr;

	aw_nr = 0;
	for (i = 0; i < n; i++) {
		if (!err) {
			memcpy(dev_mem[aw_offset[i]], aw_data[i], 4096);
			dev_writes++;
		}
		rmm_swap_end_write(&mm, aw_page[i], err);
	}
}

static bool under_writeback(struct rmm_page *p)
{
	return (ext_of(p)->flags & RMM_EXT_WRITEBACK) &&
		(ext_of(p)->flags & RMM_EXT_SWAPCACHE);
}

static struct rmm_page *inactive_tail(void)
{
	return rmm_node_lruvec(&mm, 0)->lists[RMM_LRU_INACTIVE_ANON].last;
}

/* reclaim writes asynchronously: the page waits in the swap cache */
static void test_swap_async(void)
{
	static u8 keep[4][4096], okeep[4096];
	struct rmm_pgrange all = { 0, ~0ULL };
	unsigned long free0 = nfree(), slots0 = swap_free_slots();
	unsigned long writes0, rot0, out0;
	long kv0;
	struct rmm_memobj *obj, *obj2;
	struct rmm_memview *a, *b;
	struct rmm_page *p[4], *q;
	struct rmm_plist vl;
	struct rmm_fault f;
	int i;

	mm.ops = &async_ops;
	rmm_plist_init(&vl);
	a = private_filled(&obj, p, keep, 4, 300);

	/* start, then end: rotated to the tail, then freed without a write */
	writes0 = dev_writes;
	out0 = rmm_vm_event_state(&mm, RMM_PSWPOUT);
	rot0 = rmm_vm_event_state(&mm, RMM_PGROTATED);
	is_long(reclaim(p[0], true), RMM_PAGEOUT_WRITEBACK,
		"pageout starts the write and keeps the page: WRITEBACK");
	ok(aw_nr == 1 && aw_page[0] == p[0] && !memcmp(aw_data[0], keep[0], 4096),
	   "one write started, with the page's contents");
	is_long(rmm_vm_event_state(&mm, RMM_PSWPOUT) - out0, 1,
		"pswpout counted at submission");
	ok(under_writeback(p[0]) && RmmPageLru(p[0]) && !RmmPageActive(p[0]),
	   "the page is in the swap cache under writeback, on the inactive list");
	is_long(node_stat(RMM_NR_WRITEBACK), 1, "nr_writeback 1");
	is_long(node_stat(RMM_NR_SWAPCACHE), 1, "nr_swapcache 1");
	is_long(rmm_memview_count_swap(a, &all), 1, "the index holds the swap entry");
	is_long(node_stat(RMM_NR_ANON_MAPPED), 3, "out of NR_ANON_MAPPED");
	ok(inactive_tail() != p[0], "not at the tail before the write ends");
	ok(clean(obj), "validate clean under writeback");
	is_long(reclaim(p[0], true), RMM_PAGEOUT_ACTIVATE,
		"found again under writeback: ACTIVATE");
	ok(RmmPageActive(p[0]) && aw_nr == 1, "active, no second write");
	aw_end_all(0);
	ok(!(ext_of(p[0])->flags & (RMM_EXT_WRITEBACK | RMM_EXT_RECLAIM)) &&
	   !RmmPageDirty(p[0]), "the end clears writeback and PG_reclaim, clean");
	ok(inactive_tail() == p[0] && !RmmPageActive(p[0]),
	   "rotated to the inactive tail (folio_rotate_reclaimable())");
	is_long(rmm_vm_event_state(&mm, RMM_PGROTATED) - rot0, 1, "pgrotated +1");
	is_long(node_stat(RMM_NR_WRITEBACK), 0, "nr_writeback 0");
	ok(clean(obj), "validate clean after the end");
	is_long(reclaim(p[0], true), RMM_PAGEOUT_CLEAN,
		"the next pass frees it without a write: CLEAN");
	is_long(dev_writes - writes0, 1, "one write in all");
	is_long(node_stat(RMM_NR_SWAPCACHE), 0, "out of the swap cache");
	is_long(swap_free_slots(), slots0 - 1, "its slot holds it");
	fault(a, 0, false, &f);
	ok(f.major && same(f.page, keep[0]), "read back: major, byte for byte");
	p[0] = f.page;

	/* a fault during the write takes it back */
	is_long(reclaim(p[1], true), RMM_PAGEOUT_WRITEBACK, "pgoff 1: WRITEBACK");
	fault(a, 1, false, &f);
	ok(f.page == p[1] && !f.major && same(p[1], keep[1]),
	   "a fault during the write finds it in the swap cache (minor)");
	aw_end_all(0);
	ok(!(ext_of(p[1])->flags & RMM_EXT_WRITEBACK) && rmm_test_lookup(a, 1) == p[1],
	   "the end leaves it in the index");
	ok(clean(obj), "validate clean");

	/* a failed write: dirty again, written again by the next pass */
	is_long(reclaim(p[2], true), RMM_PAGEOUT_WRITEBACK, "pgoff 2: WRITEBACK");
	rot0 = rmm_vm_event_state(&mm, RMM_PGROTATED);
	aw_end_all(-5);
	ok(RmmPageDirty(p[2]) && !under_writeback(p[2]) &&
	   (ext_of(p[2])->flags & RMM_EXT_SWAPCACHE) && RmmPageLru(p[2]),
	   "a failed write: dirty, in the swap cache, on the LRU");
	is_long(rmm_vm_event_state(&mm, RMM_PGROTATED) - rot0, 0, "not rotated");
	is_long(rmm_memview_count_swap(a, &all), 1, "the index keeps the swap entry");
	ok(clean(obj), "validate clean");
	is_long(reclaim(p[2], true), RMM_PAGEOUT_WRITEBACK, "written again");
	aw_end_all(0);
	is_long(reclaim(p[2], true), RMM_PAGEOUT_CLEAN, "then freed, clean");
	fault(a, 2, false, &f);
	ok(f.major && same(f.page, keep[2]), "pgoff 2 read back byte for byte");
	p[2] = f.page;

	/* punched during the write: the end frees it */
	is_long(reclaim(p[3], true), RMM_PAGEOUT_WRITEBACK, "pgoff 3: WRITEBACK");
	rmm_memview_punch(a, &(struct rmm_pgrange){ 3, 1 }, &vl);
	is_long(vl.nr, 0, "the punch leaves the page being written");
	ok(under_writeback(p[3]), "still under writeback");
	i = (int)(free0 - nfree());
	aw_end_all(0);
	is_long(i - (long)(free0 - nfree()), 1, "the end freed the page");
	is_long(node_stat(RMM_NR_SWAPCACHE), 2,
		"left in the cache: pgoffs 0 and 2, read back with their slots");
	ok(clean(obj), "validate clean");

	/* the object goes during the write: the write's reference keeps it */
	kv0 = atomic_load(&rmm_port_kv_live);
	obj2 = rmm_memobj_create(&mm, RMM_MEMOBJ_PRIVATE, 0, GFP);
	b = rmm_memview_get(obj2, 2);
	fault(b, 0, true, &f);
	q = f.page;
	fill_random(q, okeep, 399);
	is_long(reclaim(q, true), RMM_PAGEOUT_WRITEBACK, "another object: WRITEBACK");
	rmm_memview_put(b);
	rmm_memobj_put(obj2);
	ok(atomic_load(&rmm_port_kv_live) > kv0,
	   "the object outlives its last user while its page is written");
	aw_end_all(0);
	is_long(atomic_load(&rmm_port_kv_live), kv0,
		"the end freed the page, the slot and the object");

	rmm_memview_put(a);
	rmm_memobj_put(obj);
	mm.ops = &test_ops;
	is_long(nfree(), free0, "every page back");
	is_long(swap_free_slots(), slots0, "every slot back");
	ok(!rmm_swap_validate(&mm) && !rmm_lru_validate(&mm), "swap and lru clean");
}

static void test_swap(void)
{
	is_long(rmm_swap_init(&mm), 0, "swap state (no device yet)");
	test_swap_private();	/* swaps the device on */
	test_swap_races();
	test_swap_async();
	test_swap_read_unlocked();
	test_swap_fork_enomem();
	test_swap_stress();
	test_swap_own_fault();
	test_swap_readahead();
	test_swap_unuse();	/* and off */
	is_long(rmm_swap_validate(&mm), 0, "swapfile.c's validator clean");
	rmm_swap_fini(&mm);
}

int main(void)
{
	is_long(rmm_test_mm_simple(&mm, 1, 16384, 0x100000), 0, "instance");
	mm.ops = &test_ops;
	is_long(rmm_lru_init(&mm), 0, "LRU and page exts");
	kv_base = atomic_load(&rmm_port_kv_live);
	test_shared();
	test_private_fork();
	test_private_unmapped();
	test_cow_race();
	test_cow_done();
	test_enomem();
	test_stress();
	test_lru();
	test_swap();
	is_long(lru_size(RMM_LRU_INACTIVE_ANON), 0, "no page left on the LRU");
	rmm_lru_fini(&mm);
	is_long(rmm_mm_fini(&mm), 0, "fini: nothing left allocated");
	return done_testing();
}
