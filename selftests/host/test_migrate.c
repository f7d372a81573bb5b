// SPDX-License-Identifier: GPL-2.0
/*
 * test_migrate.c - page migration (migrate.c, memobj.c's ->migrate):
 * every page kind (private pages shared after fork, shared objects' pages,
 * swap-cache pages with and without index entries, dirty ones, pages
 * under writeback, movable-ops pages, pages nobody can move), moved from
 * node 0 to node 1 of a two-node instance so that every per-node counter
 * must move with the page.  Expected values come from the operations
 * (random bytes written and kept aside, pages counted by hand), never from
 * migrate.c.  Races: a page punched, an object put and a view torn down
 * while isolated (injection point), and a thread that writes through the
 * index under the view lock while another migrates the page back and
 * forth: no write may be lost.
 */
#include <pthread.h>
#include "rmm_test.h"
#include "memobj.h"
#include "memobj_test.h"
#include "lru.h"
#include "migrate.h"
#include "swapfile.h"

static struct rmm_mm mm;

#define GFP	RMM_GFP_HIGHUSER_MOVABLE

/* the host: unmap_obj calls recorded; a swap device of DEV_PAGES pages */
static unsigned long unmap_calls;
static u64 unmap_last_pgoff;

static void t_unmap_obj(struct rmm_mm *m, u64 cookie, u64 pgoff, u64 nr)
{
	unmap_calls++;
	unmap_last_pgoff = pgoff;
}

#define DEV_PAGES	64
static u8 dev_mem[DEV_PAGES][4096];
static bool dev_fail_writes;
static unsigned long dev_reads;

static int t_swap_io(struct rmm_mm *m, u64 cookie, u64 off, void *a,
		     bool write)
{
	if (off == 0 || off >= DEV_PAGES)
		return -EINVAL;
	if (write && dev_fail_writes)
		return -EIO;
	if (write) {
		memcpy(dev_mem[off], a, 4096);
	} else {
		dev_reads++;
		memcpy(a, dev_mem[off], 4096);
	}
	return 0;
}

/* asynchronous writes: started, ended by the test (aw_end()) */
static struct rmm_page *aw_page;
static u64 aw_off;

static int t_swap_write_async(struct rmm_mm *m, u64 cookie, u64 off, void *a,
			      struct rmm_page *page)
{
	aw_page = page;
	aw_off = off;
	memcpy(dev_mem[off], a, 4096);
	return 0;
}

static const struct rmm_mm_ops t_ops = {
	.unmap_obj	= t_unmap_obj,
	.swap_io	= t_swap_io,
};

static const struct rmm_mm_ops t_ops_async = {
	.unmap_obj		= t_unmap_obj,
	.swap_io		= t_swap_io,
	.swap_write_async	= t_swap_write_async,
};

/* ---- small helpers ---- */

static u8 *addr(struct rmm_page *p)
{
	return rmm_mm_page_address(&mm, p);
}

static struct rmm_page_ext *ext_of(struct rmm_page *p)
{
	return rmm_page_ext(&mm, p);
}

static int nid_of(struct rmm_page *p)
{
	return rmm_mm_page_nid(&mm, p);
}

static long node_stat(int nid, enum rmm_node_stat_item i)
{
	return rmm_node_page_state(&mm.nodes[nid], i);
}

static long node_free(int nid)
{
	long n = 0;
	int z;

	rmm_drain_all_pages(&mm);
	for (z = 0; z < mm.nr_zones; z++)
		n += rmm_zone_page_state(&mm.nodes[nid].node_zones[z],
					 RMM_NR_FREE_PAGES);
	return n;
}

static unsigned long ev(enum rmm_vm_event_item i)
{
	return rmm_vm_event_state(&mm, i);
}

static void fill(struct rmm_page *p, u8 *keep, u64 seed)
{
	rmm_test_fill_random(&mm, p, keep, seed);
}

static bool same(struct rmm_page *p, const u8 *keep)
{
	return rmm_test_same(&mm, p, keep);
}

/*
 * A private object with host cookie @host, its view for address space 1,
 * and pgoffs 0..@n-1 faulted in and filled (seeds @seed + pgoff)
 */
static struct rmm_memview *private_filled(struct rmm_memobj **obj, u64 host,
					  struct rmm_page **p,
					  u8 (*keep)[4096], int n, u64 seed)
{
	struct rmm_memview *v;
	int i;

	*obj = rmm_memobj_create(&mm, RMM_MEMOBJ_PRIVATE, 0, GFP);
	rmm_memobj_set_host(*obj, host);
	v = rmm_memview_get(*obj, 1);
	for (i = 0; i < n; i++) {
		rmm_test_fault(v, i, true, &p[i]);
		fill(p[i], keep[i], seed + i);
	}
	return v;
}


static void punch(struct rmm_memview *v, u64 pgoff, u64 nr)
{
	struct rmm_pgrange r = { pgoff, nr };
	struct rmm_plist vl;

	rmm_plist_init(&vl);
	rmm_memview_punch(v, &r, &vl);
	rmm_memobj_free_victims(rmm_memview_obj(v), &vl);
}

static bool clean(struct rmm_memobj *obj)
{
	return (!obj || !rmm_memobj_validate(obj)) && !rmm_lru_validate(&mm) &&
		!rmm_swap_validate(&mm) && !rmm_validate_mm(&mm);
}

/* get_new: a page on node @private; counts; may be told to fail */
static int new_calls, put_calls;
static bool new_fail;

static struct rmm_page *new_on(struct rmm_page *src, unsigned long nid)
{
	new_calls++;
	if (new_fail)
		return NULL;
	return rmm_mm_alloc_pages(&mm, nid, 0, GFP | RMM___GFP_THISNODE);
}

static void put_new(struct rmm_page *dst, unsigned long nid)
{
	put_calls++;
	rmm_mm_free_pages(&mm, dst, 0);
}

/* isolate @p alone and migrate it to node @nid: the not-migrated count */
static int migrate1(struct rmm_page *p, int nid, enum rmm_migrate_mode mode,
		    unsigned int *succ)
{
	struct rmm_plist l;
	int rc;

	rmm_plist_init(&l);
	if (!rmm_isolate_movable_page(&mm, p, &l))
		return -100;
	rc = rmm_migrate_pages(&mm, &l, new_on, put_new, nid, mode,
			       RMM_MR_COMPACTION, succ);
	rmm_putback_movable_pages(&mm, &l);
	return rc;
}

/* what vmscan does with one page: isolate, pageout, free if let go */
static enum rmm_pageout reclaim(struct rmm_page *p)
{
	struct rmm_plist l;
	enum rmm_pageout ret;
	void *owner;

	rmm_plist_init(&l);
	if (!rmm_lru_isolate_page(&mm, p, &l))
		return -1;
	owner = ext_of(p)->owner;
	ret = rmm_memobj_lru_ops.pageout(&mm, p, true);
	rmm_plist_pop(&mm, &l);
	if (ret == RMM_PAGEOUT_FREED || ret == RMM_PAGEOUT_CLEAN) {
		rmm_lru_isolated_done(&mm, p);
		p->next = p->prev = RMM_NIL;
		rmm_mm_free_pages(&mm, p, 0);
	} else if (!rmm_lru_putback_page(&mm, p)) {
		p->next = p->prev = RMM_NIL;
		rmm_mm_free_pages(&mm, p, 0);
	}
	rmm_memobj_lru_ops.unpin(&mm, owner);
	return ret;
}

static void set_ext(struct rmm_page *p, u32 flags)
{
	struct rmm_lruvec *lv = rmm_node_lruvec(&mm, nid_of(p));

	rmm_spin_lock(&lv->lru_lock);
	ext_of(p)->flags |= flags;
	rmm_spin_unlock(&lv->lru_lock);
}

/*
 * Private object, 4 pages written through view a, then fork: b shares
 * every page (share count 2).  Page 1 made active, page 2 workingset;
 * all are young (faulted).  All four move to node 1.
 */
static void test_private_fork(void)
{
	static u8 keep[4][4096];
	struct rmm_page *p[4], *q[4], *w;
	struct rmm_memobj *obj;
	struct rmm_memview *a, *b;
	struct rmm_plist l;
	long free0 = node_free(0), free1 = node_free(1);
	long anon0 = node_stat(0, RMM_NR_ANON_MAPPED);
	long anon1 = node_stat(1, RMM_NR_ANON_MAPPED);
	unsigned long succ0 = ev(RMM_PGMIGRATE_SUCCESS), unmaps;
	unsigned int succ = 0;
	bool first;
	int i, rc;

	a = private_filled(&obj, 0x77, p, keep, 4, 100);
	b = rmm_memview_fork(a, 2, &first);
	ok(b && first && p[0]->private == 2, "fork: every page shared by two views");
	rmm_mark_page_accessed(&mm, p[1]);
	rmm_mark_page_accessed(&mm, p[1]);
	rmm_mark_page_accessed(&mm, p[3]);
	set_ext(p[2], RMM_EXT_WORKINGSET);
	ok(RmmPageActive(p[1]) && !RmmPageActive(p[0]), "page 1 active, the others inactive");
	ok(RmmPageReferenced(p[3]) && !RmmPageActive(p[3]), "page 3 referenced");
	{
		/* folio_putback_lru() does not age the workingset */
		struct rmm_lruvec *lv = rmm_node_lruvec(&mm, 0);
		long age0 = rmm_atomic_long_read(&lv->nonresident_age);

		rmm_plist_init(&l);
		ok(rmm_isolate_movable_page(&mm, p[1], &l), "active page 1 isolated");
		rmm_putback_movable_pages(&mm, &l);
		ok(RmmPageLru(p[1]) && RmmPageActive(p[1]), "put back active");
		is_long(rmm_atomic_long_read(&lv->nonresident_age) - age0, 0,
			"the putback did not age nonresident_age");
	}
	is_long(anon0 - node_stat(0, RMM_NR_ANON_MAPPED), -4, "NR_ANON_MAPPED +4 on node 0");

	rmm_plist_init(&l);
	for (i = 0; i < 4; i++)
		ok(rmm_isolate_movable_page(&mm, p[i], &l), "page %d isolated", i);
	ok(!rmm_isolate_movable_page(&mm, p[0], &l), "an isolated page is not isolated twice");
	is_long(node_stat(0, RMM_NR_ISOLATED_ANON), 4, "NR_ISOLATED_ANON 4");
	is_long(rmm_lru_validate(&mm), 0, "LRU valid with pages isolated");
	unmaps = unmap_calls;
	rc = rmm_migrate_pages(&mm, &l, new_on, put_new, 1, RMM_MIGRATE_ASYNC,
			       RMM_MR_COMPACTION, &succ);
	is_long(rc, 0, "migrate_pages: 0 not migrated");
	is_long(succ, 4, "4 succeeded");
	ok(rmm_plist_empty(&l), "the list is empty");
	is_long(ev(RMM_PGMIGRATE_SUCCESS) - succ0, 4, "pgmigrate_success +4");
	is_long(unmap_calls - unmaps, 4, "the user entries of each old page removed (unmap_obj)");
	is_long(node_stat(0, RMM_NR_ISOLATED_ANON), 0, "NR_ISOLATED_ANON back to 0");
	for (i = 0; i < 4; i++) {
		q[i] = rmm_test_lookup(a, i);
		ok(q[i] && q[i] != p[i] && nid_of(q[i]) == 1,
		   "view a, pgoff %d: a new page on node 1", i);
		ok(rmm_test_lookup(b, i) == q[i], "view b, pgoff %d: the same new page", i);
		ok(same(q[i], keep[i]), "pgoff %d: every byte copied", i);
		is_long(q[i]->private, 2, "pgoff %d: share count 2 kept", i);
		ok(RmmPageLru(q[i]) && ext_of(q[i])->owner == obj &&
		   ext_of(q[i])->index == (u64)i,
		   "pgoff %d: on the LRU, owned by the object at its pgoff", i);
		ok(ext_of(q[i])->flags & RMM_EXT_YOUNG, "pgoff %d: still young", i);
		ok(!RmmPageLru(p[i]) && !RmmPageActive(p[i]) &&
		   !ext_of(p[i])->owner && !ext_of(p[i])->flags,
		   "pgoff %d: the old page has no owner state", i);
	}
	ok(RmmPageActive(q[1]) && !RmmPageActive(q[0]) && !RmmPageActive(q[3]),
	   "the active page stays active, the others inactive");
	ok(ext_of(q[2])->flags & RMM_EXT_WORKINGSET, "workingset kept");
	ok(RmmPageReferenced(q[3]), "PG_referenced kept (folio_migrate_flags())");
	is_long(node_stat(1, RMM_NR_ACTIVE_ANON), 1, "node 1: one active anon page");
	is_long(node_stat(1, RMM_NR_INACTIVE_ANON), 3, "node 1: three inactive anon pages");
	is_long(node_stat(0, RMM_NR_ANON_MAPPED), anon0, "NR_ANON_MAPPED of node 0 as before");
	is_long(node_stat(1, RMM_NR_ANON_MAPPED) - anon1, 4, "NR_ANON_MAPPED of node 1 +4");
	is_long(node_free(1), free1 - 4, "node 1: 4 pages taken");
	ok(clean(obj), "validators clean after the move");

	/* copy on write still works on the moved pages */
	rmm_test_fault(a, 0, true, &w);
	ok(w != q[0] && same(w, keep[0]), "a write through a copies the moved page");
	memset(addr(w), 0xee, 4096);
	ok(same(rmm_test_lookup(b, 0), keep[0]), "b still reads the moved page's bytes");
	is_long(q[0]->private, 1, "the moved page's share count drops to 1");

	rmm_memview_put(b);
	punch(a, 0, 8);
	rmm_memview_put(a);
	rmm_memobj_put(obj);
	is_long(node_free(0), free0, "node 0: every page back");
	is_long(node_free(1), free1, "node 1: every page back");
}

/* a shared object's pages: NR_FILE_PAGES, NR_SHMEM, NR_FILE_MAPPED move */
static void test_shared(void)
{
	static u8 keep[2][4096];
	struct rmm_page *p[2], *q;
	struct rmm_memobj *obj;
	struct rmm_memview *v;
	struct rmm_plist vl;
	long fp0 = node_stat(0, RMM_NR_FILE_PAGES), fp1 = node_stat(1, RMM_NR_FILE_PAGES);
	long sh1 = node_stat(1, RMM_NR_SHMEM), mp1 = node_stat(1, RMM_NR_FILE_MAPPED);
	long mp0 = node_stat(0, RMM_NR_FILE_MAPPED);
	unsigned int succ;
	int i;

	rmm_plist_init(&vl);
	obj = rmm_memobj_create(&mm, RMM_MEMOBJ_SHARED, 0, GFP);
	rmm_memobj_set_host(obj, 0x88);
	v = rmm_memview_get(obj, 1);
	rmm_memobj_set_size(obj, 4, &vl);
	for (i = 0; i < 2; i++) {
		rmm_test_fault(v, i, true, &p[i]);
		fill(p[i], keep[i], 200 + i);
	}
	is_long(node_stat(0, RMM_NR_FILE_MAPPED) - mp0, 2, "two shared pages mapped on node 0");
	is_long(migrate1(p[1], 1, RMM_MIGRATE_SYNC, &succ), 0, "a shared page migrates");
	q = rmm_test_lookup(v, 1);
	ok(q && q != p[1] && nid_of(q) == 1 && same(q, keep[1]),
	   "the view's index holds a node-1 copy with the same bytes");
	is_long(q->private, 1, "share count 1");
	ok(rmm_page_test(q, PG_rmm_owner_priv), "the mapped mark moved with it");
	is_long(node_stat(1, RMM_NR_FILE_MAPPED) - mp1, 1, "NR_FILE_MAPPED +1 on node 1");
	is_long(node_stat(0, RMM_NR_FILE_MAPPED) - mp0, 1, "NR_FILE_MAPPED -1 on node 0");
	is_long(node_stat(1, RMM_NR_FILE_PAGES) - fp1, 1, "NR_FILE_PAGES +1 on node 1");
	is_long(node_stat(0, RMM_NR_FILE_PAGES) - fp0, 1, "NR_FILE_PAGES: 1 left on node 0");
	is_long(node_stat(1, RMM_NR_SHMEM) - sh1, 1, "NR_SHMEM +1 on node 1");
	ok(rmm_test_lookup(v, 0) == p[0] && same(p[0], keep[0]), "the other page untouched");
	is_long(unmap_last_pgoff, 1, "unmap_obj for pgoff 1");
	ok(clean(obj), "validators clean");
	rmm_memobj_set_size(obj, 0, &vl);
	rmm_memobj_free_victims(obj, &vl);
	rmm_memview_put(v);
	rmm_memobj_put(obj);
	is_long(node_stat(1, RMM_NR_FILE_MAPPED), mp1, "NR_FILE_MAPPED of node 1 back");
}

/*
 * Swap-cache pages: (1) read back for a fault and kept in the cache with
 * its slot (an index entry and the cache); (2) in the cache with no index
 * entry, its slot held by another view's swap entry; (3) dirty after a
 * failed write; (4) under writeback: -EAGAIN every pass, not moved.
 */
static void test_swapcache(void)
{
	static u8 keep[3][4096];
	struct rmm_page *p[3], *q, *r;
	struct rmm_memobj *obj;
	struct rmm_memview *a, *b;
	unsigned long reads, fail0;
	long sc0 = node_stat(0, RMM_NR_SWAPCACHE), sc1 = node_stat(1, RMM_NR_SWAPCACHE);
	long free0 = node_free(0), free1 = node_free(1);
	unsigned int succ;
	bool first;
	u32 e;

	a = private_filled(&obj, 0x99, p, keep, 3, 300);

	/* (1) */
	is_long(reclaim(p[0]), RMM_PAGEOUT_FREED, "page 0 swapped out");
	rmm_test_fault(a, 0, false, &q);
	e = ext_of(q)->swap;
	ok((ext_of(q)->flags & RMM_EXT_SWAPCACHE) && rmm_swapcache_lookup(&mm, e) == q,
	   "read back for a fault: in the index and in the swap cache");
	is_long(migrate1(q, 1, RMM_MIGRATE_ASYNC, &succ), 0, "it migrates");
	r = rmm_test_lookup(a, 0);
	ok(r && r != q && nid_of(r) == 1 && same(r, keep[0]), "the index holds the node-1 copy");
	ok(rmm_swapcache_lookup(&mm, e) == r && ext_of(r)->swap == e &&
	   (ext_of(r)->flags & RMM_EXT_SWAPCACHE), "the swap cache names the new page, same slot");
	is_long(node_stat(1, RMM_NR_SWAPCACHE) - sc1, 1, "NR_SWAPCACHE +1 on node 1");
	is_long(node_stat(0, RMM_NR_SWAPCACHE), sc0, "NR_SWAPCACHE of node 0 as before");
	ok(clean(obj), "validators clean");
	rmm_test_fault(a, 0, true, &q);
	ok(same(q, keep[0]), "a write fault after the move sees the bytes");

	/* (2): b shares page 1; out to swap, a reads it back, a punches it */
	b = rmm_memview_fork(a, 2, &first);
	p[1] = rmm_test_lookup(a, 1);
	is_long(reclaim(p[1]), RMM_PAGEOUT_FREED, "the shared page 1 swapped out");
	rmm_test_fault(a, 1, false, &q);
	e = ext_of(q)->swap;
	punch(a, 1, 1);
	ok(q->private == 0 && (ext_of(q)->flags & RMM_EXT_SWAPCACHE) &&
	   RmmPageLru(q) && rmm_swapcache_lookup(&mm, e) == q,
	   "a swap-cache page no index holds (b's entry holds its slot)");
	is_long(migrate1(q, 1, RMM_MIGRATE_ASYNC, &succ), 0, "it migrates");
	r = rmm_swapcache_lookup(&mm, e);
	ok(r && r != q && nid_of(r) == 1 && same(r, keep[1]),
	   "the cache holds a node-1 copy with the bytes");
	ok(clean(obj), "validators clean");
	reads = dev_reads;
	rmm_test_fault(b, 1, false, &q);
	ok(q == r && dev_reads == reads, "b's fault takes the moved page from the cache, no read");

	/* (3): dirty in the cache after a failed write */
	p[2] = rmm_test_lookup(a, 2);
	dev_fail_writes = true;
	is_long(reclaim(p[2]), RMM_PAGEOUT_KEEP, "a failed write keeps page 2");
	dev_fail_writes = false;
	ok(RmmPageDirty(p[2]) && (ext_of(p[2])->flags & RMM_EXT_SWAPCACHE) &&
	   p[2]->private == 0, "dirty, in the cache, its entries swap entries");
	e = ext_of(p[2])->swap;
	is_long(migrate1(p[2], 1, RMM_MIGRATE_SYNC_LIGHT, &succ), 0, "the dirty page migrates");
	r = rmm_swapcache_lookup(&mm, e);
	ok(r && r != p[2] && RmmPageDirty(r) && same(r, keep[2]), "the copy is dirty, same bytes");
	ok(!RmmPageDirty(p[2]), "the old page is clean (free)");
	ok(clean(obj), "validators clean");
	reads = dev_reads;
	rmm_test_fault(a, 2, false, &q);
	ok(q == r && dev_reads == reads && same(q, keep[2]),
	   "the fault finds the dirty copy in the cache (the slot is stale)");

	/* (4) under writeback */
	mm.ops = &t_ops_async;
	r = rmm_test_lookup(a, 2);
	is_long(reclaim(r), RMM_PAGEOUT_WRITEBACK,
		"the dirty page 2 written asynchronously");
	mm.ops = &t_ops;
	fail0 = ev(RMM_PGMIGRATE_FAIL);
	new_calls = put_calls = 0;
	is_long(migrate1(r, 1, RMM_MIGRATE_SYNC, &succ), 1, "under writeback: 1 not migrated");
	is_long(succ, 0, "none succeeded");
	is_long(new_calls, RMM_MIGRATE_MAX_PASSES, "tried once per pass (-EAGAIN)");
	is_long(put_calls, new_calls, "every new page given back to put_new");
	is_long(ev(RMM_PGMIGRATE_FAIL) - fail0, 1, "pgmigrate_fail +1");
	ok(RmmPageLru(r) && (ext_of(r)->flags & RMM_EXT_WRITEBACK), "put back, still under writeback");
	rmm_swap_end_write(&mm, aw_page, 0);
	ok(clean(obj), "validators clean");
	rmm_test_fault(b, 2, false, &q);
	ok(same(q, keep[2]), "b reads page 2 back after the write");

	rmm_memview_put(b);
	punch(a, 0, 8);
	rmm_memview_put(a);
	rmm_memobj_put(obj);
	is_long(node_free(0), free0, "node 0: every page back");
	is_long(node_free(1), free1, "node 1: every page back");
	ok(clean(NULL), "validators clean at the end");
}

/*
 * Races through the injection point (the page is isolated, the new page
 * allocated, no lock held): the page punched, the view and object put,
 * a fault that COWs it away.
 */
static struct rmm_memview *inj_view;
static struct rmm_memobj *inj_obj;
static int inj_what, inj_hits;

static void inj_hook(int point, void *arg)
{
	struct rmm_page *p;

	if (point != RMM_INJECT_MIGRATE_MOVE)
		return;
	inj_hits++;
	switch (inj_what) {
	case 0:
		punch(inj_view, 0, 1);
		break;
	case 1:
		punch(inj_view, 0, 8);
		rmm_memview_put(inj_view);
		rmm_memobj_put(inj_obj);
		break;
	case 2:
		rmm_test_fault(inj_view, 0, true, &p);
		memset(addr(p), 0x33, 4096);
		break;
	}
}

static void test_races(void)
{
	static u8 keep[4096];
	struct rmm_page *p, *q;
	struct rmm_memview *b;
	long free0 = node_free(0), free1 = node_free(1);
	long kv0 = atomic_load(&rmm_port_kv_live);
	unsigned long succ0;
	unsigned int succ;
	bool first;
	int what;

	for (what = 0; what < 2; what++) {
		inj_obj = rmm_memobj_create(&mm, RMM_MEMOBJ_PRIVATE, 0, GFP);
		inj_view = rmm_memview_get(inj_obj, 1);
		rmm_test_fault(inj_view, 0, true, &p);
		inj_what = what;
		inj_hits = 0;
		put_calls = 0;
		succ0 = ev(RMM_PGMIGRATE_SUCCESS);
		rmm_port_inject_hook = inj_hook;
		is_long(migrate1(p, 1, RMM_MIGRATE_ASYNC, &succ), 0,
			"%s while isolated: migrate_pages 0", what ? "object put" : "punched");
		rmm_port_inject_hook = NULL;
		is_long(inj_hits, 1, "the hook ran once");
		is_long(succ, 1, "counted as done (a page freed under us)");
		is_long(ev(RMM_PGMIGRATE_SUCCESS) - succ0, 1, "pgmigrate_success +1");
		is_long(put_calls, 1, "the unused new page went to put_new");
		if (!what) {
			ok(!rmm_test_lookup(inj_view, 0), "the punched pgoff stays empty");
			ok(clean(inj_obj), "validators clean");
			rmm_memview_put(inj_view);
			rmm_memobj_put(inj_obj);
		}
		is_long(node_free(0), free0, "node 0: every page back");
		is_long(node_free(1), free1, "node 1: every page back");
		is_long(atomic_load(&rmm_port_kv_live), kv0, "object, view and index freed");
	}

	/* a write fault copies the shared page away while it is isolated */
	inj_obj = rmm_memobj_create(&mm, RMM_MEMOBJ_PRIVATE, 0, GFP);
	inj_view = rmm_memview_get(inj_obj, 1);
	rmm_test_fault(inj_view, 0, true, &p);
	fill(p, keep, 7);
	b = rmm_memview_fork(inj_view, 2, &first);
	inj_what = 2;
	rmm_port_inject_hook = inj_hook;
	is_long(migrate1(p, 1, RMM_MIGRATE_ASYNC, &succ), 0, "a COW during migration: migrated");
	rmm_port_inject_hook = NULL;
	q = rmm_test_lookup(b, 0);
	ok(q && q != p && nid_of(q) == 1 && same(q, keep), "b holds the moved page, bytes intact");
	is_long(q->private, 1, "only b holds it");
	p = rmm_test_lookup(inj_view, 0);
	ok(p != q && addr(p)[100] == 0x33, "a holds its own copy with its write");
	ok(clean(inj_obj), "validators clean");
	rmm_memview_put(b);
	punch(inj_view, 0, 1);
	rmm_memview_put(inj_view);
	rmm_memobj_put(inj_obj);
	is_long(node_free(0) + node_free(1), free0 + free1, "every page back");
}

/*
 * A writer thread increments a counter in the page at pgoff 0 under the
 * view lock (a fault that maps, then the access) while this thread moves
 * the page between the nodes: every increment must survive.
 */
static struct rmm_memview *th_view;
static atomic_int th_stop;
static atomic_long th_writes;

static void *writer(void *arg)
{
	unsigned long n = 0;

	while (!atomic_load(&th_stop)) {
		struct rmm_fault f = { .pgoff = 0, .write = true };

		rmm_memview_lock(th_view);
		if (!rmm_memview_fault(th_view, &f))
			(*(unsigned long *)addr(f.page))++, n++;
		rmm_memview_unlock(th_view);
		atomic_store(&th_writes, n);
	}
	return (void *)n;
}

static void test_thread_race(void)
{
	struct rmm_memobj *obj;
	struct rmm_page *p;
	pthread_t t;
	void *ret;
	unsigned long moved = 0, busy = 0, written;
	unsigned int succ;
	int i, rc;

	obj = rmm_memobj_create(&mm, RMM_MEMOBJ_PRIVATE, 0, GFP);
	th_view = rmm_memview_get(obj, 1);
	rmm_test_fault(th_view, 0, true, &p);
	memset(addr(p), 0, 8);
	atomic_store(&th_stop, 0);
	pthread_create(&t, NULL, writer, NULL);
	atomic_store(&th_writes, 0);
	/* both sides busy: at least 2000 moves and 2000 writes */
	for (i = 0; i < 10000000 && (moved < 2000 ||
				      atomic_load(&th_writes) < 2000); i++) {
		p = rmm_test_lookup(th_view, 0);
		rc = migrate1(p, !nid_of(p), RMM_MIGRATE_ASYNC, &succ);
		if (rc == 0)
			moved++;
		else
			busy++;
	}
	atomic_store(&th_stop, 1);
	pthread_join(t, &ret);
	written = (unsigned long)ret;
	p = rmm_test_lookup(th_view, 0);
	diag("%lu moves, %lu busy, %lu writes", moved, busy, written);
	ok(moved > 0 && written > 0, "the page moved while being written");
	is_long(*(unsigned long *)addr(p), written, "no write lost");
	ok(clean(obj), "validators clean");
	punch(th_view, 0, 1);
	rmm_memview_put(th_view);
	rmm_memobj_put(obj);
}

/* ---- movable-ops pages: a fake owner holding pages in slots ---- */
#define NSLOT	4
static struct rmm_page *slot[NSLOT];
static int mv_isolated, mv_putbacks, mv_migrated;
static bool mv_refuse;
static int mv_busy;		/* the error migrate_page returns, 0: none */
static int mv_free_slot = -1;	/* the owner frees this slot in migrate */

static bool mv_isolate(struct rmm_mm *m, struct rmm_page *page)
{
	if (mv_refuse)
		return false;
	mv_isolated++;
	return true;
}

static int mv_migrate(struct rmm_mm *m, struct rmm_page *dst,
		      struct rmm_page *src, enum rmm_migrate_mode mode)
{
	unsigned long s = rmm_mm_page_movable_private(m, src);

	if (mv_busy)
		return mv_busy;
	if (rmm_mm_page_movable_private(m, dst) != s || slot[s] != src)
		return -EINVAL;
	memcpy(addr(dst), addr(src), 4096);
	slot[s] = dst;
	mv_migrated++;
	return 0;
}

static void mv_putback(struct rmm_mm *m, struct rmm_page *page)
{
	mv_putbacks++;
}

static const struct rmm_movable_operations mv_ops = {
	.isolate_page	= mv_isolate,
	.migrate_page	= mv_migrate,
	.putback_page	= mv_putback,
};

static void mv_free(int s)
{
	if (rmm_mm_clear_page_movable(&mm, slot[s]))
		rmm_mm_free_pages(&mm, slot[s], 0);
	slot[s] = NULL;
}

static void mv_inj(int point, void *arg)
{
	if (point == RMM_INJECT_MIGRATE_MOVE && mv_free_slot >= 0) {
		mv_free(mv_free_slot);
		mv_free_slot = -1;
	}
}

static void test_movable_ops(void)
{
	static u8 keep[NSLOT][4096];
	struct rmm_page *old[NSLOT], *plain;
	long free0 = node_free(0), free1 = node_free(1);
	struct rmm_plist l;
	unsigned int succ;
	int i, rc;

	for (i = 0; i < NSLOT; i++) {
		slot[i] = rmm_mm_alloc_pages(&mm, 0, 0, GFP | RMM___GFP_THISNODE);
		fill(slot[i], keep[i], 400 + i);
		is_long(rmm_mm_set_page_movable(&mm, slot[i], &mv_ops, i), 0,
			"slot %d marked movable", i);
		old[i] = slot[i];
	}
	is_long(rmm_mm_set_page_movable(&mm, slot[0], &mv_ops, 0), -EINVAL,
		"marking twice: -EINVAL");
	plain = rmm_mm_alloc_pages(&mm, 0, 0, GFP);
	rmm_plist_init(&l);
	ok(!rmm_isolate_movable_page(&mm, plain, &l), "an unmarked allocated page: not isolated");
	rmm_putback_movable_pages(&mm, &l);
	rmm_mm_free_pages(&mm, plain, 0);

	mv_refuse = true;
	ok(!rmm_isolate_movable_page(&mm, slot[0], &l), "isolate_page refuses: not isolated");
	mv_refuse = false;
	ok(!(ext_of(slot[0])->flags & RMM_EXT_ISOLATED), "and not left isolated");

	for (i = 0; i < NSLOT; i++)
		ok(rmm_isolate_movable_page(&mm, slot[i], &l), "slot %d isolated", i);
	mv_free_slot = 3;	/* the owner frees slot 3 while isolated */
	rmm_port_inject_hook = mv_inj;
	rc = rmm_migrate_pages(&mm, &l, new_on, NULL, 1, RMM_MIGRATE_SYNC,
			       RMM_MR_COMPACTION, &succ);
	rmm_port_inject_hook = NULL;
	is_long(rc, 0, "migrate_pages: 0 not migrated");
	is_long(succ, 4, "4 done (one of them freed by its owner meanwhile)");
	is_long(mv_migrated, 3, "migrate_page called for the three live pages");
	for (i = 0; i < 3; i++) {
		ok(slot[i] != old[i] && nid_of(slot[i]) == 1 && same(slot[i], keep[i]),
		   "slot %d: a node-1 page with the same bytes", i);
		ok(rmm_mm_page_movable(&mm, slot[i]) &&
		   rmm_mm_page_movable_private(&mm, slot[i]) == (unsigned long)i,
		   "slot %d: the new page is movable with the owner's value", i);
		ok(!rmm_mm_page_movable(&mm, old[i]), "slot %d: the old page is not", i);
	}
	is_long(node_free(0), free0, "node 0: the old pages (and the freed one) are free");

	/*
	 * busy: -EAGAIN each pass; cannot move: any other error once (a
	 * permanent failure), the callback's own -ENOENT and -ENOMEM too
	 * (neither an orphan nor a missing target page); all put back
	 * through putback_page
	 */
	for (i = 0; i < 4; i++) {
		static const int errs[] = { -EAGAIN, -EBUSY, -ENOENT, -ENOMEM };
		unsigned long fail0 = ev(RMM_PGMIGRATE_FAIL);

		mv_busy = errs[i];
		new_calls = 0;
		ok(rmm_isolate_movable_page(&mm, slot[0], &l), "slot 0 isolated again");
		rc = rmm_migrate_pages(&mm, &l, new_on, NULL, 0,
				       RMM_MIGRATE_ASYNC, RMM_MR_COMPACTION,
				       &succ);
		mv_busy = 0;
		is_long(rc, 1, "error %d: 1 not migrated", errs[i]);
		is_long(new_calls, i ? 1 : RMM_MIGRATE_MAX_PASSES,
			"%s", i ? "not tried again" : "tried on every pass");
		is_long(ev(RMM_PGMIGRATE_FAIL) - fail0, 1, "pgmigrate_fail +1");
		is_long(l.nr, 1, "it stays on the list");
		ok(same(slot[0], keep[0]) && nid_of(slot[0]) == 1,
		   "the page is where it was, bytes intact");
		mv_putbacks = 0;
		rmm_putback_movable_pages(&mm, &l);
		is_long(mv_putbacks, 1, "putback_page called");
		ok(!(ext_of(slot[0])->flags & RMM_EXT_ISOLATED), "no longer isolated");
	}
	is_long(node_free(0), free0, "node 0: no page left in use by the failed moves");

	/* freed while isolated, then put back: freed by the putback */
	ok(rmm_isolate_movable_page(&mm, slot[1], &l), "slot 1 isolated");
	ok(!rmm_mm_clear_page_movable(&mm, slot[1]), "the owner's clear: the isolator frees it");
	slot[1] = NULL;
	mv_putbacks = 0;
	rmm_putback_movable_pages(&mm, &l);
	is_long(mv_putbacks, 0, "no putback_page for a page its owner let go");

	/* no memory for the new page */
	ok(rmm_isolate_movable_page(&mm, slot[0], &l), "slot 0 isolated");
	new_fail = true;
	is_long(rmm_migrate_pages(&mm, &l, new_on, NULL, 1, RMM_MIGRATE_ASYNC,
				  RMM_MR_COMPACTION, &succ), -ENOMEM,
		"no new page: -ENOMEM");
	new_fail = false;
	rmm_putback_movable_pages(&mm, &l);
	ok(same(slot[0], keep[0]), "the page stays with its bytes");

	for (i = 0; i < NSLOT; i++)
		if (slot[i])
			mv_free(i);
	is_long(node_free(0) + node_free(1), free0 + free1, "every page back");
	ok(clean(NULL), "validators clean");
}

/* pages nobody can move: free, slab-like (plain kernel), no LRU owner */
static void test_unmovable(void)
{
	struct rmm_page *p = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_KERNEL);
	struct rmm_plist l;

	rmm_plist_init(&l);
	ok(!rmm_isolate_movable_page(&mm, p, &l), "a kernel allocation: not isolated");
	rmm_mm_free_pages(&mm, p, 0);
	ok(!rmm_isolate_movable_page(&mm, p, &l), "a free page: not isolated");
	ok(rmm_plist_empty(&l), "nothing on the list");
	is_long(rmm_mm_set_page_movable(&mm, p, &mv_ops, 0), -EINVAL,
		"a free page cannot be marked movable");
}

int main(void)
{
	is_long(rmm_test_mm_simple(&mm, 2, 8192, 0x100000), 0, "two-node instance");
	mm.ops = &t_ops;
	is_long(rmm_lru_init(&mm), 0, "LRU and page exts");
	is_long(rmm_swap_init(&mm), 0, "swap state");
	ok(rmm_swapon(&mm, 0x5a5a, "fake", DEV_PAGES, -1, 0) >= 0, "swapon");
	test_private_fork();
	test_shared();
	test_swapcache();
	test_races();
	test_thread_race();
	test_movable_ops();
	test_unmovable();
	ok(clean(NULL), "validators clean at the end");
	{
		u64 cookie;

		is_long(rmm_swapoff(&mm, 0, &cookie), 0, "swapoff");
	}
	rmm_swap_fini(&mm);
	rmm_lru_fini(&mm);
	is_long(rmm_mm_fini(&mm), 0, "fini: nothing left allocated");
	return done_testing();
}
