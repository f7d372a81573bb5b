// SPDX-License-Identifier: GPL-2.0
/*
 * test_swapfile.c - swap devices, slots, counts, the swap cache and swap
 * I/O (swapfile.c) against values worked out by hand from Debian
 * 6.12.117's mm/swapfile.c, mm/swap_state.c and mm/page_io.c:
 *
 *   setup_clusters(): the header slot and the slots past the end count in
 *     their cluster, so cluster 0 starts on the nonfull list; the free
 *     list is built in 32 columns (clusters 1, 2, 3 for a 4-cluster
 *     device; 32, 64, 1, 33, ... for 65 clusters).
 *   cluster_alloc_swap_entry(): the CPU's cluster first (slots in order),
 *     then the first free cluster, then nonfull ones (moved to frag), so a
 *     fresh 2048-slot device hands out 512..1023, a second CPU 1024, then
 *     1536..2047, 1..511, 1025..2047 - and never slot 0.
 *   get_swap_pages(): highest priority first, equals round robin
 *     (plist_requeue); swapon's default priorities -2, -3, ...; swapoff
 *     moves lower default priorities up by one.
 *   __swap_duplicate(): up to SWAP_MAP_MAX (0x3e), then -ENOMEM without
 *     continuation pages; __swap_entry_free_locked(): the slot is free
 *     only when count and SWAP_HAS_CACHE are both gone.
 *   add_to_swap_cache()/__delete_from_swap_cache(): NR_SWAPCACHE and
 *     NR_FILE_PAGES +-1.
 *   swap_writepage()/swap_read_folio(): PSWPOUT/PSWPIN at submission; on
 *     6.12 zero-filled pages go to the zeromap with no I/O and no count.
 *   alloc_swap_info(): the 17th device is -EPERM; read_swap_header():
 *     last_page 0 is -EINVAL.
 */
#include <pthread.h>
#define RMM_TEST_OWN_UNUSE_SWAP	/* TEMPORARY, see rmm_memobj_unuse_swap() */
#include "rmm_test.h"
#include "vmstat.h"
#include "lru.h"
#include "swapfile.h"

static struct rmm_mm mm;

/* ---- a fake swap device behind ops->swap_io: an in-memory array ---- */
#define NDEV	4
struct fake_dev {
	u8 *data;
	u64 nr;
	unsigned long reads, writes;
	int fail;		/* error to return, 0: none */
};
static struct fake_dev devs[NDEV];

static int fake_swap_io(struct rmm_mm *m, u64 cookie, u64 offset, void *addr,
			bool write)
{
	struct fake_dev *d;

	if (cookie >= NDEV || offset >= devs[cookie].nr)
		return -EINVAL;
	d = &devs[cookie];
	if (d->fail)
		return d->fail;
	if (write) {
		memcpy(d->data + offset * 4096, addr, 4096);
		d->writes++;
	} else {
		memcpy(addr, d->data + offset * 4096, 4096);
		d->reads++;
	}
	return 0;
}

static const struct rmm_mm_ops ops = {
	.swap_io = fake_swap_io,
};

static void dev_init(int i, u64 nr)
{
	devs[i].data = calloc(nr, 4096);
	devs[i].nr = nr;
}

/*
 * TEMPORARY: swapoff's try_to_unuse() is memobj.c's, not written yet; this
 * fake brings back what the test registered.  Goes away (the lead removes
 * it) once memobj.c implements rmm_memobj_unuse_swap().
 */
#define MAX_TRACK 4096
static u32 tracked[MAX_TRACK];
static int nr_tracked;
static int unuse_calls, unuse_fail, unuse_noop;
static struct rmm_page *cache_page;

int rmm_memobj_unuse_swap(struct rmm_mm *m, int type)
{
	unsigned int n;
	int i;

	unuse_calls++;
	if (unuse_fail)
		return unuse_fail;
	if (unuse_noop)
		return 0;
	for (i = 0; i < nr_tracked; i++) {
		u32 e = tracked[i];

		if (!e || (int)rmm_swp_type(e) != type)
			continue;
		for (n = rmm_swap_count(m, e); n; n--)
			rmm_swap_free(m, e);
		tracked[i] = 0;
	}
	return 0;
}

/* an entry held by one index entry, no page cached: the pageout result */
static u32 swap_out_one(void)
{
	u32 e = rmm_get_swap_page(&mm);

	if (!e)
		return 0;
	rmm_swap_duplicate(&mm, e);
	rmm_swapcache_add(&mm, e, cache_page);
	rmm_swapcache_del(&mm, e, cache_page);
	return e;
}

/* give back a slot that only HAS_CACHE holds (put_swap_folio()) */
static void put_slot(u32 e)
{
	rmm_swapcache_add(&mm, e, cache_page);
	rmm_swapcache_del(&mm, e, cache_page);
}

static unsigned long swap_free_pages(void)
{
	unsigned long total, free;

	rmm_swap_totals(&mm, &total, &free);
	return free;
}

static unsigned long swap_total_pages(void)
{
	unsigned long total, free;

	rmm_swap_totals(&mm, &total, &free);
	return total;
}

static int line_prio(int type)
{
	struct rmm_swap_line l;
	int i;

	for (i = 0; rmm_swap_info(&mm, i, &l); i++)
		if (l.type == type)
			return l.prio;
	return 12345;
}

static void test_swapon_refusals(void)
{
	struct rmm_swap_line l;
	int t[RMM_MAX_SWAPFILES], i, bad = 0;
	u64 cookie;

	rmm_port_quiet = 1;
	is_long(rmm_swapon(&mm, 0, "tiny", 1, -1, 0), -EINVAL,
		"swapon of 1 page (only the header): -EINVAL");
	is_long(rmm_swapon(&mm, 0, "empty", 0, -1, 0), -EINVAL,
		"swapon of 0 pages: -EINVAL");
	rmm_port_quiet = 0;
	is_long(rmm_swapon(&mm, 0, "flags", 16, -1, 2), -EINVAL,
		"unknown swap flags: -EINVAL");
	is_long(rmm_swapon(&mm, 0, "prio", 16, 32768, RMM_SWAP_FLAG_PREFER),
		-EINVAL, "priority 32768 > SWAP_FLAG_PRIO_MASK: -EINVAL");
	ok(!rmm_can_swap(&mm), "no device: cannot swap");

	for (i = 0; i < RMM_MAX_SWAPFILES; i++) {
		char name[16];

		snprintf(name, sizeof(name), "dev%d", i);
		t[i] = rmm_swapon(&mm, 100 + i, name, 2, -1, 0);
		if (t[i] != i || line_prio(i) != -2 - i)
			bad++;
	}
	is_long(bad, 0, "16 devices: types 0..15, default priorities -2..-17");
	is_long(rmm_swapon(&mm, 0, "dev16", 2, -1, 0), -EPERM,
		"the 17th device: -EPERM");
	is_long(swap_total_pages(), 16, "SwapTotal: 16 x 1 usable page");
	ok(rmm_swap_info(&mm, 15, &l) && !strcmp(l.name, "dev15") &&
	   l.size_pages == 1 && l.used_pages == 0 && l.dev_cookie == 115,
	   "line 15: dev15, 1 page, 0 used, cookie 115");
	ok(!rmm_swap_info(&mm, 16, &l), "no line 16");

	cookie = 0;
	is_long(rmm_swapoff(&mm, 3, &cookie), 0, "swapoff of type 3 (prio -5)");
	is_long(cookie, 103, "  its cookie comes back");
	ok(line_prio(2) == -4 && line_prio(4) == -5 && line_prio(15) == -16,
	   "  lower defaults move up: type 4 -6 -> -5, type 15 -17 -> -16");
	ok(rmm_swap_info(&mm, 3, &l) && l.type == 4,
	   "  /proc/swaps in type order: line 3 is type 4 now");
	is_long(rmm_swapon(&mm, 103, "again", 2, -1, 0), 3,
		"swapon reuses the lowest free type (3)");
	is_long(line_prio(3), -17, "  with the next default priority (-17)");
	is_long(rmm_swapoff(&mm, 3, NULL), 0, "swapoff of type 3 again");
	is_long(rmm_swapoff(&mm, 3, NULL), -EINVAL, "and once more: -EINVAL");
	is_long(rmm_swapoff(&mm, 16, NULL), -EINVAL, "type 16: -EINVAL");
	for (i = 0; i < RMM_MAX_SWAPFILES; i++)
		if (i != 3 && rmm_swapoff(&mm, i, NULL))
			bad++;
	is_long(bad, 0, "swapoff of every device with no entries: 0");
	is_long(swap_total_pages(), 0, "SwapTotal 0");
	ok(!rmm_can_swap(&mm), "cannot swap");
	is_long(rmm_swapon(&mm, 0, "d", 2, -1, 0), 0,
		"least_priority is back: the next swapon ...");
	is_long(line_prio(0), -2, "  ... gets -2 again");
	is_long(rmm_swapoff(&mm, 0, NULL), 0, "off");
	is_long(rmm_swap_validate(&mm), 0, "validate: clean");
}

static void test_enomem(void)
{
	long live = atomic_load(&rmm_port_kv_live);
	int n, failed = 0;

	for (n = 1; n <= 5; n++) {
		atomic_store(&rmm_port_fail_nth, n);
		if (rmm_swapon(&mm, 0, "x", 600, -1, 0) != -ENOMEM)
			failed++;
		atomic_store(&rmm_port_fail_nth, 0);
	}
	is_long(failed, 0, "swapon: -ENOMEM at each of its 5 allocations (type 0 exists)");
	is_long(atomic_load(&rmm_port_kv_live) - live, 0, "  nothing leaked");
	is_long(swap_total_pages(), 0, "  nothing on");
	is_long(rmm_swapon(&mm, 0, "x", 600, -1, 0), 0, "then it works");
	is_long(rmm_swapoff(&mm, 0, NULL), 0, "off");
}

/* vm_swap_full(): nr_swap_pages * 2 < total_swap_pages, hand-worked */
static void test_swap_full(void)
{
	static u32 taken[1024];
	unsigned long i;

	ok(!rmm_swap_full(&mm), "no device: not full");
	is_long(rmm_swapon(&mm, 0, "half", 2048, -1, 0), 0, "2048-page device");
	ok(!rmm_swap_full(&mm), "2047 of 2047 free: not full");
	for (i = 0; i < 1023; i++)
		taken[i] = rmm_get_swap_page(&mm);
	ok(!rmm_swap_full(&mm), "1024 free: 2048 < 2047 is false: not full");
	taken[1023] = rmm_get_swap_page(&mm);
	ok(rmm_swap_full(&mm), "1023 free: 2046 < 2047: full");
	for (i = 0; i < 1024; i++)
		put_slot(taken[i]);
	ok(!rmm_swap_full(&mm), "all free again: not full");
	is_long(rmm_swapoff(&mm, 0, NULL), 0, "off");
}

static void test_slot_order(void)
{
	u32 first[4], e;
	unsigned long i, bad = 0, zero = 0;
	int t;

	t = rmm_swapon(&mm, 0, "ssd", 2048, -1, 0);
	is_long(t, 0, "2048-page device (4 clusters)");
	is_long(swap_free_pages(), 2047, "2047 usable slots");
	ok(rmm_can_swap(&mm), "can swap");

	rmm_port_set_cpu(0);
	first[0] = rmm_get_swap_page(&mm);
	first[1] = rmm_get_swap_page(&mm);
	rmm_port_set_cpu(1);
	first[2] = rmm_get_swap_page(&mm);
	rmm_port_set_cpu(0);
	first[3] = rmm_get_swap_page(&mm);
	is_long(rmm_swp_offset(first[0]), 512,
		"CPU 0: the first free cluster is 1 (0 holds the header): 512");
	is_long(rmm_swp_offset(first[1]), 513, "CPU 0: 513 next, in order");
	is_long(rmm_swp_offset(first[2]), 1024, "CPU 1: a cluster of its own: 1024");
	is_long(rmm_swp_offset(first[3]), 514, "CPU 0 again: 514");
	ok(rmm_is_swap_entry(first[0]) && rmm_swp_type(first[0]) == 0,
	   "a swap entry of type 0");
	is_long(rmm_swap_count(&mm, first[0]), 0,
		"a new slot: count 0 (only SWAP_HAS_CACHE)");

	/* CPU 0 takes the rest: hand-worked from the lists */
	for (i = 515; i < 1024; i++)
		if (rmm_swp_offset(rmm_get_swap_page(&mm)) != i)
			bad++;
	for (i = 1536; i < 2048; i++)
		if (rmm_swp_offset(rmm_get_swap_page(&mm)) != i)
			bad++;
	for (i = 1; i < 512; i++)
		if (rmm_swp_offset(rmm_get_swap_page(&mm)) != i)
			bad++;
	for (i = 1025; i < 2048 - 512; i++)
		if (rmm_swp_offset(rmm_get_swap_page(&mm)) != i)
			bad++;
	is_long(bad, 0,
		"then 515..1023, 1536..2047 (free cluster 3), 1..511 and 1025..1535 (nonfull 0 and 2)");
	is_long(swap_free_pages(), 0, "every slot taken");
	ok(!rmm_can_swap(&mm), "cannot swap any more");
	e = rmm_get_swap_page(&mm);
	is_long(e, 0, "get_swap_page: 0 when full");
	is_long(rmm_swap_validate(&mm), 0, "validate: full device consistent");

	/* free cluster 1 entirely: it goes back to the free list */
	for (i = 512; i < 1024; i++)
		put_slot(rmm_swp_entry(0, i));
	is_long(swap_free_pages(), 512, "512 slots freed");
	ok(rmm_can_swap(&mm), "can swap again (device back on the avail list)");
	rmm_port_set_cpu(2);
	e = rmm_get_swap_page(&mm);
	is_long(rmm_swp_offset(e), 512, "CPU 2: the freed cluster is reused from 512");
	rmm_port_set_cpu(1);
	e = rmm_get_swap_page(&mm);
	is_long(rmm_swp_offset(e), 513,
		"CPU 1 (its cluster full): the nonfull cluster 1 at 513");
	put_slot(rmm_swp_entry(0, 7));
	rmm_port_set_cpu(3);
	e = rmm_get_swap_page(&mm);
	is_long(rmm_swp_offset(e), 7,
		"CPU 3: nonfull cluster 0 (slot 7 freed) before frag cluster 1");
	rmm_port_set_cpu(0);
	is_long(rmm_swap_validate(&mm), 0, "validate: clean");

	/* the header slot was never handed out; give all back */
	for (i = 1; i < 2048; i++) {
		u32 x = rmm_swp_entry(0, i);

		if (i >= 514 && i < 1024)
			continue;
		put_slot(x);
		zero++;
	}
	is_long(zero, 2047 - 510, "slots given back");
	is_long(swap_free_pages(), 2047, "all 2047 free");
	is_long(rmm_swap_validate(&mm), 0, "validate: clean");
	is_long(rmm_swapoff(&mm, t, NULL), 0, "off");
}

static void test_free_list_columns(void)
{
	u32 e;
	int t;

	/* 65 clusters: columns 0 (0 nonfull, 32, 64), 1 (1, 33), ... */
	t = rmm_swapon(&mm, 0, "big", 65 * 512, -1, 0);
	rmm_port_set_cpu(0);
	e = rmm_get_swap_page(&mm);
	is_long(rmm_swp_offset(e), 32 * 512,
		"65 clusters: the free list starts at cluster 32 (column 0)");
	rmm_port_set_cpu(1);
	e = rmm_get_swap_page(&mm);
	is_long(rmm_swp_offset(e), 64 * 512, "  then cluster 64");
	rmm_port_set_cpu(2);
	e = rmm_get_swap_page(&mm);
	is_long(rmm_swp_offset(e), 1 * 512, "  then cluster 1 (column 1)");
	rmm_port_set_cpu(0);
	put_slot(rmm_swp_entry(t, 32 * 512));
	put_slot(rmm_swp_entry(t, 64 * 512));
	put_slot(rmm_swp_entry(t, 512));
	is_long(rmm_swap_validate(&mm), 0, "validate: clean");
	is_long(rmm_swapoff(&mm, t, NULL), 0, "off");

	/* a short last cluster: 600 pages, cluster 1 has 88 slots */
	t = rmm_swapon(&mm, 0, "short", 600, -1, 0);
	e = rmm_get_swap_page(&mm);
	is_long(rmm_swp_offset(e), 1,
		"600 pages: both clusters start nonfull, cluster 0 first: slot 1");
	put_slot(e);
	is_long(rmm_swapoff(&mm, t, NULL), 0, "off");
}

static void test_priorities(void)
{
	int a, b, c, d, i, bad = 0;
	u32 e[8];

	c = rmm_swapon(&mm, 2, "c", 64, -1, 0);		/* -2 */
	a = rmm_swapon(&mm, 0, "a", 64, 10, RMM_SWAP_FLAG_PREFER);
	b = rmm_swapon(&mm, 1, "b", 3, 10, RMM_SWAP_FLAG_PREFER);
	ok(c == 0 && a == 1 && b == 2, "types c 0, a 1, b 2");
	is_long(line_prio(c), -2, "c: default -2");
	is_long(line_prio(a), 10, "a: 10 (SWAP_FLAG_PREFER)");
	for (i = 0; i < 5; i++)
		e[i] = rmm_get_swap_page(&mm);
	ok(rmm_swp_type(e[0]) == (u32)a && rmm_swp_type(e[1]) == (u32)b &&
	   rmm_swp_type(e[2]) == (u32)a && rmm_swp_type(e[3]) == (u32)b &&
	   rmm_swp_type(e[4]) == (u32)a,
	   "equal priorities 10: a, b, a, b (b now full), a");
	for (i = 5; i < 8; i++)
		e[i] = rmm_get_swap_page(&mm);
	for (i = 5; i < 8; i++)
		if (rmm_swp_type(e[i]) != (u32)a)
			bad++;
	is_long(bad, 0, "b full: a only, never c (-2)");
	put_slot(e[1]);
	e[1] = rmm_get_swap_page(&mm);
	is_long(rmm_swp_type(e[1]), a,
		"b freed a slot: requeued behind a (plist_add), so a first ...");
	put_slot(e[0]);
	e[0] = rmm_get_swap_page(&mm);
	is_long(rmm_swp_type(e[0]), b, "  ... then b");
	put_slot(e[0]);
	d = rmm_swapon(&mm, 3, "d", 16, 20, RMM_SWAP_FLAG_PREFER);
	e[0] = rmm_get_swap_page(&mm);
	is_long(rmm_swp_type(e[0]), d, "a device of priority 20 is used first");
	put_slot(e[0]);
	for (i = 1; i < 8; i++)
		put_slot(e[i]);
	is_long(rmm_swap_validate(&mm), 0, "validate: clean");
	ok(!rmm_swapoff(&mm, a, NULL) && !rmm_swapoff(&mm, b, NULL) &&
	   !rmm_swapoff(&mm, d, NULL), "a, b, d off");
	/* only c: falls back to the lowest priority */
	e[0] = rmm_get_swap_page(&mm);
	is_long(rmm_swp_type(e[0]), c, "only c left: c");
	put_slot(e[0]);
	is_long(rmm_swapoff(&mm, c, NULL), 0, "c off");
}

static void test_counts_and_cache(void)
{
	long fp0 = rmm_node_page_state(&mm.nodes[0], RMM_NR_FILE_PAGES);
	struct rmm_page_ext *ext = rmm_page_ext(&mm, cache_page);
	int t, i, err = 0;
	u32 e;

	t = rmm_swapon(&mm, 0, "s", 16, -1, 0);
	e = rmm_get_swap_page(&mm);
	is_long(swap_free_pages(), 14, "one slot of 15 taken");
	for (i = 0; i < RMM_SWAP_MAP_MAX && !err; i++)
		err = rmm_swap_duplicate(&mm, e);
	is_long(err, 0, "62 (SWAP_MAP_MAX) duplicates succeed");
	is_long(rmm_swap_count(&mm, e), RMM_SWAP_MAP_MAX, "  count 0x3e");
	is_long(rmm_swap_duplicate(&mm, e), -ENOMEM,
		"the 63rd: -ENOMEM (no continuation pages)");
	is_long(rmm_swap_count(&mm, e), RMM_SWAP_MAP_MAX, "  count still 0x3e");

	rmm_swapcache_add(&mm, e, cache_page);
	ok(rmm_swapcache_lookup(&mm, e) == cache_page, "swap cache: lookup finds the page");
	ok((ext->flags & RMM_EXT_SWAPCACHE) && ext->swap == e,
	   "  RMM_EXT_SWAPCACHE and ext->swap set");
	is_long(rmm_node_page_state(&mm.nodes[0], RMM_NR_SWAPCACHE), 1,
		"  NR_SWAPCACHE 1");
	is_long(rmm_node_page_state(&mm.nodes[0], RMM_NR_FILE_PAGES), fp0 + 1,
		"  NR_FILE_PAGES + 1 (add_to_swap_cache())");
	is_long(rmm_swap_validate(&mm), 0, "  validate: clean");
	for (i = 0; i < RMM_SWAP_MAP_MAX; i++)
		rmm_swap_free(&mm, e);
	is_long(rmm_swap_count(&mm, e), 0, "62 frees: count 0");
	is_long(swap_free_pages(), 14, "  SWAP_HAS_CACHE keeps the slot");
	ok(rmm_swapcache_lookup(&mm, e) == cache_page, "  page still cached");
	rmm_swapcache_del(&mm, e, cache_page);
	ok(!(ext->flags & RMM_EXT_SWAPCACHE) && !ext->swap,
	   "  ext flag and swap cleared");
	is_long(rmm_node_page_state(&mm.nodes[0], RMM_NR_SWAPCACHE), 0,
		"  NR_SWAPCACHE 0");
	is_long(rmm_node_page_state(&mm.nodes[0], RMM_NR_FILE_PAGES), fp0,
		"  NR_FILE_PAGES back");
	is_long(swap_free_pages(), 15, "  count 0 and no cache: the slot is free");

	/* count first, cache gone: the last free frees the slot */
	e = swap_out_one();
	is_long(rmm_swap_count(&mm, e), 1, "pageout: count 1, not cached");
	ok(!rmm_swapcache_lookup(&mm, e), "  lookup: NULL");
	is_long(swap_free_pages(), 14, "  slot in use");
	rmm_swap_free(&mm, e);
	is_long(swap_free_pages(), 15, "  the last free frees it");

	rmm_port_quiet = 1;
	is_long(rmm_swap_duplicate(&mm, e), -ENOENT,
		"duplicate of a free slot: -ENOENT (logged)");
	rmm_swap_free(&mm, e);
	ok(!rmm_swapcache_lookup(&mm, rmm_swp_entry(9, 1)),
	   "lookup on a device that does not exist: NULL (logged)");
	rmm_swap_free(&mm, rmm_swp_entry(t, 0));
	rmm_port_quiet = 0;
	is_long(swap_free_pages(), 15, "  bad frees change nothing");
	is_long(rmm_swap_validate(&mm), 0, "validate: clean");
	is_long(rmm_swapoff(&mm, t, NULL), 0, "off");
}

static void test_io(void)
{
	unsigned long out0 = rmm_vm_event_state(&mm, RMM_PSWPOUT);
	unsigned long in0 = rmm_vm_event_state(&mm, RMM_PSWPIN);
	u8 *a = rmm_mm_page_address(&mm, cache_page);
	unsigned int kver = mm.layout.kver;
	int t, i, bad = 0;
	u32 e, z;

	t = rmm_swapon(&mm, 1, "io", 8, -1, 0);
	e = rmm_get_swap_page(&mm);
	for (i = 0; i < 4096; i++)
		a[i] = (u8)(i * 7 + 3);
	is_long(rmm_swap_writepage(&mm, e, cache_page), 0, "writepage: 0");
	for (i = 0; i < 4096; i++)
		if (devs[1].data[rmm_swp_offset(e) * 4096 + i] != (u8)(i * 7 + 3))
			bad++;
	is_long(bad, 0, "  the data is on the device at the slot's offset");
	is_long(rmm_vm_event_state(&mm, RMM_PSWPOUT) - out0, 1, "  pswpout + 1");
	memset(a, 0xaa, 4096);
	is_long(rmm_swap_readpage(&mm, e, cache_page), 0, "readpage: 0");
	for (i = 0; i < 4096; i++)
		if (a[i] != (u8)(i * 7 + 3))
			bad++;
	is_long(bad, 0, "  the data came back");
	is_long(rmm_vm_event_state(&mm, RMM_PSWPIN) - in0, 1, "  pswpin + 1");

	/* 6.12: a zero-filled page is only a zeromap bit */
	z = rmm_get_swap_page(&mm);
	memset(devs[1].data + rmm_swp_offset(z) * 4096, 0x55, 4096);
	memset(a, 0, 4096);
	devs[1].writes = devs[1].reads = 0;
	is_long(rmm_swap_writepage(&mm, z, cache_page), 0, "6.12: zero page written: 0");
	is_long(devs[1].writes, 0, "  no device write");
	is_long(rmm_vm_event_state(&mm, RMM_PSWPOUT) - out0, 1, "  no pswpout");
	memset(a, 0x77, 4096);
	is_long(rmm_swap_readpage(&mm, z, cache_page), 0, "  read back: 0");
	ok(a[0] == 0 && a[4095] == 0 && a[2000] == 0 && !devs[1].reads,
	   "  zeroes, without reading the device");
	is_long(rmm_vm_event_state(&mm, RMM_PSWPIN) - in0, 1, "  no pswpin");
	a[4095] = 1;
	is_long(rmm_swap_writepage(&mm, z, cache_page), 0, "  last byte set: written");
	is_long(devs[1].writes, 1, "  device write");
	is_long(rmm_swap_readpage(&mm, z, cache_page), 0, "  read");
	is_long(devs[1].reads, 1, "  from the device (zeromap bit cleared)");

	devs[1].fail = -EIO;
	rmm_port_quiet = 1;
	is_long(rmm_swap_writepage(&mm, e, cache_page), -EIO, "device error: -EIO");
	rmm_port_quiet = 0;
	devs[1].fail = 0;
	is_long(rmm_vm_event_state(&mm, RMM_PSWPOUT) - out0, 3,
		"  pswpout counted at submission (as the kernel's)");
	mm.ops = NULL;
	rmm_port_quiet = 1;
	is_long(rmm_swap_readpage(&mm, e, cache_page), -ENODEV, "no swap_io op: -ENODEV");
	rmm_port_quiet = 0;
	mm.ops = &ops;
	put_slot(e);
	put_slot(z);
	is_long(rmm_swapoff(&mm, t, NULL), 0, "off");

	/* 6.1 has no zeromap: zero pages are written and counted */
	mm.layout.kver = RMM_KVER(6, 1);
	t = rmm_swapon(&mm, 1, "io61", 8, -1, 0);
	mm.layout.kver = kver;
	z = rmm_get_swap_page(&mm);
	memset(a, 0, 4096);
	devs[1].writes = 0;
	out0 = rmm_vm_event_state(&mm, RMM_PSWPOUT);
	rmm_swap_writepage(&mm, z, cache_page);
	ok(devs[1].writes == 1 &&
	   rmm_vm_event_state(&mm, RMM_PSWPOUT) - out0 == 1,
	   "6.1: a zero page is written and counted");
	put_slot(z);
	is_long(rmm_swapoff(&mm, t, NULL), 0, "off");
}

static void test_swapoff(void)
{
	unsigned long i;
	int t, u, bad = 0;
	u32 e;

	t = rmm_swapon(&mm, 2, "off", 64, -1, 0);	/* -2 */
	u = rmm_swapon(&mm, 3, "other", 64, -1, 0);	/* -3 */
	nr_tracked = 0;
	for (i = 0; i < 10; i++) {
		e = swap_out_one();
		rmm_swap_duplicate(&mm, e);	/* two holders each */
		tracked[nr_tracked++] = e;
		if (rmm_swp_type(e) != (u32)t)
			bad++;
	}
	is_long(bad, 0, "10 entries on the higher priority device");
	is_long(swap_free_pages(), 63 + 63 - 10, "SwapFree 116");

	unuse_fail = -ENOMEM;
	unuse_calls = 0;
	is_long(rmm_swapoff(&mm, t, NULL), -ENOMEM,
		"memory runs out midway (try_to_unuse -ENOMEM): -ENOMEM");
	is_long(unuse_calls, 1, "  unuse was called");
	is_long(swap_total_pages(), 126, "  the device is back on");
	is_long(swap_free_pages(), 116, "  nothing lost");
	is_long(line_prio(t), -3,
		"  reinserted with the next default priority (-3, reinsert_swap_info())");
	is_long(line_prio(u), -2, "  the other moved up to -2 meanwhile");
	is_long(rmm_swap_validate(&mm), 0, "  validate: clean");

	unuse_fail = 0;
	unuse_noop = 1;
	unuse_calls = 0;
	is_long(rmm_swapoff(&mm, t, NULL), -EBUSY,
		"unuse frees nothing, 1000 jiffies in a row: -EBUSY");
	expect_warnings(1, "  with a WARN (only a bug gets here)");
	is_long(unuse_calls, 1000, "  1000 passes");
	is_long(swap_free_pages(), 116, "  back on, nothing lost");
	unuse_noop = 0;
	is_long(rmm_swapoff(&mm, t, NULL), 0, "swapoff with entries: unuse brings them back");
	is_long(swap_total_pages(), 63, "  one device left");
	is_long(swap_free_pages(), 63, "  all free");
	is_long(rmm_swap_validate(&mm), 0, "  validate: clean");

	/* the memory check: more in use than the instance could hold */
	is_long(rmm_swapoff(&mm, u, NULL), 0, "other off");
	t = rmm_swapon(&mm, 2, "huge", 20001, -1, 0);
	for (i = 0; i < 17000; i++)
		if (!rmm_get_swap_page(&mm))
			bad++;
	is_long(bad, 0, "17000 slots taken on a 20000-slot device");
	unuse_calls = 0;
	rmm_port_quiet = 1;
	is_long(rmm_swapoff(&mm, t, NULL), -ENOMEM,
		"17000 in use > 16384 pages of memory: -ENOMEM up front");
	rmm_port_quiet = 0;
	is_long(unuse_calls, 0, "  before any unuse");
	is_long(swap_free_pages(), 3000, "  still on, 3000 free");
	/* give the slots back: each is HAS_CACHE only */
	for (i = 1; i <= 20000; i++) {
		if (mm.swap->info[t]->swap_map[i])
			put_slot(rmm_swp_entry(t, i));
	}
	is_long(swap_free_pages(), 20000, "  slots given back");
	is_long(rmm_swapoff(&mm, t, NULL), 0, "  now swapoff works");
}

static void test_validate(void)
{
	struct rmm_swap_info *si;
	int t;
	u32 e;

	t = rmm_swapon(&mm, 0, "v", 1024, -1, 0);
	e = swap_out_one();
	si = mm.swap->info[t];
	is_long(rmm_swap_validate(&mm), 0, "validate: clean");
	rmm_port_quiet = 1;
	si->swap_map[rmm_swp_offset(e) + 1] = 3;
	ok(rmm_swap_validate(&mm) >= 2,
	   "a corrupted swap_map: inuse_pages and the cluster count disagree");
	si->swap_map[rmm_swp_offset(e) + 1] = 0;
	si->swap_map[0] = 0;
	ok(rmm_swap_validate(&mm) >= 1, "header slot not bad: caught");
	si->swap_map[0] = RMM_SWAP_MAP_BAD;
	si->swap_map[rmm_swp_offset(e)] = 0x3f;
	ok(rmm_swap_validate(&mm) >= 1, "count 0x3f on a data slot: caught");
	si->swap_map[rmm_swp_offset(e)] = 1;
	si->cache[rmm_swp_offset(e)] = rmm_mm_page_idx(&mm, cache_page);
	ok(rmm_swap_validate(&mm) >= 2,
	   "a cache entry without SWAP_HAS_CACHE nor the ext flag: caught");
	si->cache[rmm_swp_offset(e)] = RMM_NIL;
	{
		struct rmm_page *p = rmm_mm_alloc_pages(&mm, 0, 0,
							RMM_GFP_KERNEL);
		u32 f = rmm_get_swap_page(&mm);

		rmm_swapcache_add(&mm, f, p);
		is_long(rmm_swap_validate(&mm), 0, "a page in the cache: clean");
		rmm_mm_free_pages(&mm, p, 0);
		ok(rmm_swap_validate(&mm) >= 1,
		   "the cached page freed behind the cache's back: caught");
		/* undo by hand what the del of that page would have done */
		si->cache[rmm_swp_offset(f)] = RMM_NIL;
		rmm_page_ext(&mm, p)->flags = 0;
		rmm_page_ext(&mm, p)->swap = 0;
		rmm_mod_node_page_state(&mm.nodes[0], RMM_NR_SWAPCACHE, -1);
		rmm_mod_node_page_state(&mm.nodes[0], RMM_NR_FILE_PAGES, -1);
		put_slot(f);
	}
	rmm_port_quiet = 0;
	is_long(rmm_swap_validate(&mm), 0, "restored: clean");
	rmm_swap_free(&mm, e);
	is_long(rmm_swapoff(&mm, t, NULL), 0, "off");
}

/* ---- several CPUs at once ---- */
#define NTHR	4
#define PER_THR	800
static u32 thr_e[NTHR][PER_THR];
static struct rmm_page *thr_page[NTHR];

static void *thr_fn(void *arg)
{
	long id = (long)arg;
	int i, round;

	rmm_port_set_cpu(id);
	for (round = 0; round < 3; round++) {
		for (i = 0; i < PER_THR; i++) {
			u32 e = rmm_get_swap_page(&mm);

			thr_e[id][i] = e;
			if (!e)
				continue;
			rmm_swap_duplicate(&mm, e);
			rmm_swapcache_add(&mm, e, thr_page[id]);
			rmm_swapcache_del(&mm, e, thr_page[id]);
		}
		if (round == 2)
			break;
		for (i = 0; i < PER_THR; i++)
			if (thr_e[id][i])
				rmm_swap_free(&mm, thr_e[id][i]);
	}
	return NULL;
}

static int cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

static void test_threads(void)
{
	static u32 all[NTHR * PER_THR];
	pthread_t th[NTHR];
	int a, b, i, zero = 0, dup = 0;

	a = rmm_swapon(&mm, 0, "t0", 1500, -1, 0);
	b = rmm_swapon(&mm, 1, "t1", 1500, -1, 0);
	for (i = 0; i < NTHR; i++)
		thr_page[i] = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_KERNEL);
	for (i = 0; i < NTHR; i++)
		pthread_create(&th[i], NULL, thr_fn, (void *)(long)i);
	for (i = 0; i < NTHR; i++)
		pthread_join(th[i], NULL);
	memcpy(all, thr_e, sizeof(all));
	qsort(all, NTHR * PER_THR, sizeof(u32), cmp_u32);
	for (i = 0; i < NTHR * PER_THR; i++) {
		if (!all[i])
			zero++;
		else if (i && all[i] == all[i - 1])
			dup++;
	}
	is_long(zero, NTHR * PER_THR - 2 * 1499,
		"4 CPUs x 800 on 2 x 1499 slots: 2998 handed out");
	is_long(dup, 0, "  no slot handed out twice");
	is_long(swap_free_pages(), 0, "  all taken");
	is_long(rmm_swap_validate(&mm), 0, "  validate: clean");
	for (i = 0; i < NTHR * PER_THR; i++)
		if (all[i])
			rmm_swap_free(&mm, all[i]);
	is_long(swap_free_pages(), 2998, "  all freed");
	for (i = 0; i < NTHR; i++)
		rmm_mm_free_pages(&mm, thr_page[i], 0);
	ok(!rmm_swapoff(&mm, a, NULL) && !rmm_swapoff(&mm, b, NULL), "off");
	is_long(rmm_swap_validate(&mm), 0, "validate: clean");
}

int main(void)
{
	int i;

	is_long(rmm_test_mm_simple(&mm, 1, 16384, 0x100000), 0, "instance");
	mm.ops = &ops;
	is_long(rmm_lru_init(&mm), 0, "rmm_lru_init: the page exts");
	for (i = 0; i < NDEV; i++)
		dev_init(i, 20001);
	is_long(rmm_swap_init(&mm), 0, "rmm_swap_init");
	cache_page = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_KERNEL);
	ok(cache_page != NULL, "a page for the swap cache");

	test_swapon_refusals();
	test_enomem();
	test_swap_full();
	test_slot_order();
	test_free_list_columns();
	test_priorities();
	test_counts_and_cache();
	test_io();
	test_swapoff();
	test_validate();
	test_threads();

	rmm_mm_free_pages(&mm, cache_page, 0);
	rmm_swap_fini(&mm);
	ok(mm.swap == NULL, "rmm_swap_fini");
	rmm_lru_fini(&mm);
	for (i = 0; i < NDEV; i++)
		free(devs[i].data);
	is_long(rmm_mm_fini(&mm), 0, "fini: nothing left allocated");
	return done_testing();
}
