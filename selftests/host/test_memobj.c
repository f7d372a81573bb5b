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

static struct rmm_mm mm;
static long kv_base;

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
	rmm_memview_unlock(v);
	return ret;
}

static struct rmm_page *lookup(struct rmm_memview *v, u64 pgoff)
{
	struct rmm_page *p;

	rmm_memview_lock(v);
	p = rmm_memview_lookup(v, pgoff);
	rmm_memview_unlock(v);
	return p;
}

static void free_victims(struct rmm_memobj *obj, struct rmm_plist *vl)
{
	rmm_memobj_free_victims(obj, vl);
	rmm_plist_init(vl);
}

/* dirty many free pages so that a fault that does not zero shows it */
static void dirty_free_pages(void)
{
	static struct rmm_page *p[256];
	int i;

	for (i = 0; i < 256; i++) {
		p[i] = rmm_mm_alloc_pages(&mm, 0, 0, GFP);
		memset(addr(p[i]), 0x5a, 4096);
	}
	for (i = 255; i >= 0; i--)
		rmm_mm_free_pages(&mm, p[i], 0);
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
	ok(lookup(b, 1) == p && lookup(a, 1) == old[1], "indices: B has the copy, A the old page");
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
	ok(all_bytes(lookup(c, 2), 0xc2) && all_bytes(lookup(a, 2), 0xaa),
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
	ok(lookup(a, 2) && lookup(a, 3) && lookup(a, 7) && lookup(a, 10) &&
	   lookup(a, 11) && !lookup(a, 0) && !lookup(a, 9) && !lookup(a, 5),
	   "covered pages and pages outside the range stay");
	is_long(free0 - nfree(), 5, "5 pages left");
	is_long(node_stat(RMM_NR_ANON_MAPPED), 5, "NR_ANON_MAPPED 5");
	rmm_memobj_set_size(obj, 3, &vl);
	is_long(vl.nr, 4, "set_size 3 on a private object: pgoffs 3, 7, 10, 11 go");
	free_victims(obj, &vl);
	rmm_memview_put(a);
	rmm_memobj_put(obj);
	is_long(nfree(), free0, "every page back");
}

int main(void)
{
	is_long(rmm_test_mm_simple(&mm, 1, 16384, 0x100000), 0, "instance");
	kv_base = atomic_load(&rmm_port_kv_live);
	test_shared();
	test_private_fork();
	test_private_unmapped();
	is_long(rmm_mm_fini(&mm), 0, "fini: nothing left allocated");
	return done_testing();
}
