// SPDX-License-Identifier: GPL-2.0
/*
 * test_pcp.c - per-CPU page lists: refill/free batching, high limits,
 * local and remote drains, and 4 threads on 4 CPU slots allocating and
 * freeing orders 0-3 and 9 while another drains all CPUs (IPI emulation).
 * 6.1's dynamics on a 6.1 layout with hand-worked numbers (6.1.192's
 * __rmqueue_pcplist(), nr_pcp_free(), nr_pcp_high(),
 * free_unref_page_commit()).
 */
#include <pthread.h>
#include "rmm_test.h"

static struct rmm_mm mm;

static void test_single(void)
{
	struct rmm_zone *z;
	struct rmm_page *p, *q[2000];
	unsigned long free0;
	int i, maxc = 0;

	rmm_test_mm_simple(&mm, 1, 65536, 0x100000);
	z = &mm.nodes[0].node_zones[2];
	free0 = rmm_zone_page_state(z, RMM_NR_FREE_PAGES);
	p = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_KERNEL);
	ok(p && z->pcp[0].count > 0, "first alloc refilled the pcp (count %d, batch %d)",
	   z->pcp[0].count, z->pcp[0].batch);
	is_long(free0 - rmm_zone_page_state(z, RMM_NR_FREE_PAGES), z->pcp[0].count + 1,
		"NR_FREE_PAGES excludes pcp pages");
	rmm_mm_free_pages(&mm, p, 0);
	for (i = 0; i < 2000; i++)
		q[i] = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_KERNEL);
	for (i = 0; i < 2000; i++) {
		rmm_mm_free_pages(&mm, q[i], 0);
		maxc = max(maxc, z->pcp[0].count);
	}
	ok(maxc <= z->pcp[0].high_max, "pcp count (max %d) stays <= high_max %d",
	   maxc, z->pcp[0].high_max);
	is_long(rmm_validate_mm(&mm), 0, "validator clean with full pcp");
	{
		int before = z->pcp[0].count, h0 = z->pcp[0].high, k;

		for (k = 0; k < 100 && rmm_decay_pcp_high_local(&mm); k++)
			;
		ok(z->pcp[0].high == z->pcp[0].high_min &&
		   z->pcp[0].count <= z->pcp[0].high_min,
		   "decay_pcp_high: high %d -> %d (high_min), count %d -> %d in %d periods",
		   h0, z->pcp[0].high, before, z->pcp[0].count, k);
		is_long(rmm_validate_mm(&mm), 0, "validator clean after decay");
	}
	rmm_drain_local_pages(&mm);
	is_long(z->pcp[0].count, 0, "drain_local empties this cpu");
	is_long(rmm_zone_page_state(z, RMM_NR_FREE_PAGES), free0, "all back in buddy");
	is_long(rmm_vm_event_state(&mm, RMM_PGALLOC + 2), 2001, "pgalloc_normal counted");
	is_long(rmm_vm_event_state(&mm, RMM_PGFREE), 2001, "pgfree counted");
	is_long(rmm_zone_numa_event_state(z, RMM_NUMA_HIT), 2001, "numa_hit counted");
	is_long(rmm_zone_numa_event_state(z, RMM_NUMA_LOCAL), 2001, "numa_local counted");
	/* order-3 and order-9 pcp lists */
	p = rmm_mm_alloc_pages(&mm, 0, 3, RMM_GFP_KERNEL);
	q[0] = rmm_mm_alloc_pages(&mm, 0, 9, RMM_GFP_HIGHUSER_MOVABLE);
	ok(p && q[0], "order 3 and order 9 allocations");
	rmm_mm_free_pages(&mm, p, 3);
	rmm_mm_free_pages(&mm, q[0], 9);
	is_long(rmm_validate_mm(&mm), 0, "validator clean");
	is_long(rmm_mm_fini(&mm), 0, "fini drains pcps");
}

/* one node of @pages pages at 4 GiB (all ZONE_NORMAL), layout of @kver */
static struct rmm_zone *mm_kver(unsigned int kver, unsigned long pages)
{
	struct rmm_layout l;
	struct rmm_range r;

	rmm_port_set_nr_cpus(4);
	rmm_layout_default(&l, 1, 4);
	l.kver = kver;
	r.start_pfn = 0x100000;
	r.nr_pages = pages;
	r.nid = 0;
	r.vaddr = rmm_test_mem(pages << RMM_PAGE_SHIFT);
	if (rmm_mm_init(&mm, &l, &r, 1))
		return NULL;
	return &mm.nodes[0].node_zones[2];
}

/* CPU 0's pageset by hand: batch @b, fixed high @h (6.1: high == high_max) */
static void set_pcp(struct rmm_per_cpu_pages *pcp, int b, int h)
{
	pcp->batch = b;
	pcp->high = pcp->high_min = pcp->high_max = h;
}

#define MOVABLE RMM_GFP_HIGHUSER_MOVABLE

/*
 * 6.1 with batch 8 and high 64, every pageblock on the pcp path (sparse
 * lists off), movable pages only (no steal, one list per order).
 *
 * Refill (__rmqueue_pcplist()): exactly batch pages of order 0, batch >> o
 * (at least 2) of order o.  9 allocations from an empty pcp: 8 + 8 pages
 * taken, count 16 - 9 = 7 (6.12's alloc_factor doubles the second refill
 * to 16: count 15).  Order 3: 8 >> 3 = 1 -> 2 blocks, count 7 + 16 - 8.
 *
 * Frees (nr_pcp_free(), min batch 8, max high - batch 56, batch << ff):
 * from count 0 and free_factor 0, free number
 *   64: count 64 >= 64, free 8 << 0 =  8 -> 56, ff 1 (8 < 56)
 *   72: count 64,       free 8 << 1 = 16 -> 48, ff 2
 *   88: count 64,       free 8 << 2 = 32 -> 32, ff 3
 *  120: count 64,       8 << 3 = 64 >= 56: free 56 -> 8, ff stays 3
 *  176: likewise -> 8;  200: count 8 + 24 = 32.
 * (6.12, free_count clamped to [8, 56]: 56 at 64, 120, 176: count 16 at
 * free 72, 40 at 88.)  An allocation halves free_factor: 3 -> 1.
 *
 * free_high: an order-1 free while free_factor != 0 empties the pcp
 * (nr_pcp_high() 0, nr_pcp_free() count); 6.12 needs a previous
 * high-order free first.
 *
 * ZONE_RECLAIM_ACTIVE: high min(batch * 4, 64) = 32, max free 24: from 0,
 * free 32 -> 24 (ff 1), 40 -> 16 (ff 2), 56: 32 >= 24, free 24 -> 8.
 */
static void test_61_dynamics(void)
{
	static struct rmm_page *p[256];
	struct rmm_per_cpu_pages *pcp;
	struct rmm_page *big;
	struct rmm_zone *z;
	int i, n, ff[5], cnt[5];
	static const int at[5] = { 64, 72, 88, 120, 200 };

	z = mm_kver(RMM_KVER(6, 1), 65536);
	ok(z != NULL, "6.1 instance");
	if (!z)
		return;
	mm.layout.pcp_sparse_threshold = RMM_PAGEBLOCK_NR_PAGES + 1;
	pcp = &z->pcp[0];
	ok(pcp->flags & RMM_PCPF_V61, "6.1 layout: pcp follows 6.1");
	rmm_drain_local_pages(&mm);
	set_pcp(pcp, 8, 64);

	for (i = 0; i < 9; i++)
		p[i] = rmm_mm_alloc_pages(&mm, 0, 0, MOVABLE);
	is_long(pcp->count, 7, "6.1 refill: 9 allocations take 2 * batch 8, count 7");
	big = rmm_mm_alloc_pages(&mm, 0, 3, MOVABLE);
	is_long(pcp->count, 7 + 16 - 8, "6.1 order-3 refill: batch >> 3 -> 2 blocks");
	rmm_mm_free_pages(&mm, big, 3);	/* ff 0: no free_high; count 23 */
	rmm_drain_local_pages(&mm);
	for (i = 9; i < 200; i++)
		p[i] = rmm_mm_alloc_pages(&mm, 0, 0, MOVABLE);
	rmm_drain_local_pages(&mm);
	is_long(pcp->free_factor, 0, "free_factor 0 after allocations");

	for (i = 0, n = 0; i < 200; i++) {
		rmm_mm_free_pages(&mm, p[i], 0);
		if (n < 5 && i + 1 == at[n]) {
			cnt[n] = pcp->count;
			ff[n++] = pcp->free_factor;
		}
	}
	is_long(cnt[0], 56, "6.1 free 64: count 56 (free 8), free_factor %d", ff[0]);
	is_long(cnt[1], 48, "6.1 free 72: count 48 (free 16), free_factor %d", ff[1]);
	is_long(cnt[2], 32, "6.1 free 88: count 32 (free 32), free_factor %d", ff[2]);
	is_long(cnt[3], 8, "6.1 free 120: count 8 (free 56), free_factor %d", ff[3]);
	is_long(cnt[4], 32, "6.1 free 200: count 32");
	ok(ff[0] == 1 && ff[1] == 2 && ff[2] == 3 && ff[3] == 3 && ff[4] == 3,
	   "free_factor grows 1 2 3 3 3 (got %d %d %d %d %d)",
	   ff[0], ff[1], ff[2], ff[3], ff[4]);

	p[0] = rmm_mm_alloc_pages(&mm, 0, 0, MOVABLE);
	is_long(pcp->free_factor, 1, "an allocation halves free_factor 3 -> 1");
	is_long(pcp->count, 31, "and takes from the list (count 31)");
	big = rmm_mm_alloc_pages(&mm, 0, 1, MOVABLE);
	is_long(pcp->count, 31 + 8 - 2, "order-1 refill: 4 blocks (count 37)");
	is_long(pcp->free_factor, 0, "free_factor 1 -> 0");
	rmm_mm_free_pages(&mm, p[0], 0);
	is_long(pcp->free_factor, 0, "free below high leaves free_factor 0");
	rmm_mm_free_pages(&mm, big, 1);
	is_long(pcp->count, 40, "order-1 free with free_factor 0: kept (count 40)");
	p[0] = rmm_mm_alloc_pages(&mm, 0, 0, MOVABLE);
	for (i = 1; i < 30; i++)
		p[i] = rmm_mm_alloc_pages(&mm, 0, 0, MOVABLE);
	big = rmm_mm_alloc_pages(&mm, 0, 1, MOVABLE);
	for (i = 0; i < 30; i++)
		rmm_mm_free_pages(&mm, p[i], 0);
	/* 40 - 30 - 2 + 30 = 38 < 64: no drain, so free_factor stays 0 */
	is_long(pcp->count, 38, "count 38 before the high-order free");
	set_pcp(pcp, 8, 38);
	rmm_mm_free_pages(&mm, p[0] = rmm_mm_alloc_pages(&mm, 0, 0, MOVABLE), 0);
	/* count 38 >= 38: free 8 -> 30, free_factor 1 */
	is_long(pcp->count, 30, "free at high: count 30");
	is_long(pcp->free_factor, 1, "free_factor 1");
	set_pcp(pcp, 8, 64);
	rmm_mm_free_pages(&mm, big, 1);
	is_long(pcp->count, 0, "6.1 free_high: order-1 free with free_factor 1 empties the pcp");

	/* ZONE_RECLAIM_ACTIVE caps high at batch * 4 */
	for (i = 0; i < 56; i++)
		p[i] = rmm_mm_alloc_pages(&mm, 0, 0, MOVABLE);
	rmm_drain_local_pages(&mm);
	WRITE_ONCE(z->flag_reclaim_active, 1);
	for (i = 0, n = 0; i < 56; i++) {
		rmm_mm_free_pages(&mm, p[i], 0);
		if (i + 1 == 32 || i + 1 == 40 || i + 1 == 56)
			cnt[n++] = pcp->count;
	}
	WRITE_ONCE(z->flag_reclaim_active, 0);
	ok(cnt[0] == 24 && cnt[1] == 16 && cnt[2] == 8,
	   "reclaim active: high 32, counts 24 16 8 at frees 32 40 56 (got %d %d %d)",
	   cnt[0], cnt[1], cnt[2]);
	is_long(rmm_decay_pcp_high_local(&mm), 0, "6.1: no decay of pcp high");
	is_long(pcp->count, 8, "and no pages given back by it");
	is_long(rmm_validate_mm(&mm), 0, "validator clean");
	is_long(rmm_mm_fini(&mm), 0, "fini");
}

/* counts after each of 9 order-1 frees from an empty pcp, free_count 0 */
static void free_order1_run(struct rmm_zone *z, int *cnt)
{
	struct rmm_per_cpu_pages *pcp = &z->pcp[0];
	struct rmm_page *p[9];
	int i;

	for (i = 0; i < 9; i++)
		p[i] = rmm_mm_alloc_pages(&mm, 0, 1, MOVABLE);
	rmm_drain_local_pages(&mm);
	pcp->free_count = 0;
	pcp->flags &= ~RMM_PCPF_PREV_FREE_HIGH_ORDER;
	for (i = 0; i < 9; i++) {
		rmm_mm_free_pages(&mm, p[i], 1);
		cnt[i] = pcp->count;
	}
}

/*
 * PCPF_FREE_HIGH_BATCH (6.12): set from the layout's cache slice when it
 * holds more than 3 * batch pages.  Its effect, batch 8, high 64: order-1
 * frees from an empty pcp add 2 to count and free_count; free_high needs
 * free_count >= 8 and a previous high-order free, and with the flag also
 * count >= batch.  Free 5: count 10, free_count 8: both drain all (10).
 * Free 6: count 2, free_count 10: without the flag drained to 0, with it
 * kept; kept up to free 9 (count 8 >= 8: drained).
 *   without: 2 4 6 8 0 0 0 0 0      with: 2 4 6 8 0 2 4 6 0
 */
static void test_free_high_batch(void)
{
	static const int want_off[9] = { 2, 4, 6, 8, 0, 0, 0, 0, 0 };
	static const int want_on[9] = { 2, 4, 6, 8, 0, 2, 4, 6, 0 };
	struct rmm_per_cpu_pages *pcp;
	struct rmm_layout l;
	struct rmm_range r;
	struct rmm_zone *z;
	int batch, cnt[9], i, bad;

	rmm_port_set_nr_cpus(4);
	rmm_layout_default(&l, 1, 4);
	r.start_pfn = 0x100000;
	r.nr_pages = 65536;
	r.nid = 0;
	r.vaddr = rmm_test_mem(65536UL << RMM_PAGE_SHIFT);
	/*
	 * batch: zone_batchsize() of 65280 managed pages (256 of memmap):
	 * 65280 >> 10 = 63, / 4 = 15, rounddown_pow_of_two(15 + 7) - 1 = 15
	 */
	l.cpu_data_slice_size[0] = (3 * 15 + 1) << RMM_PAGE_SHIFT;
	l.cpu_data_slice_size[1] = (3 * 15) << RMM_PAGE_SHIFT;
	l.cpu_data_slice_size[2] = 1 << 20;
	if (rmm_mm_init(&mm, &l, &r, 1)) {
		ok(0, "6.12 instance");
		return;
	}
	z = &mm.nodes[0].node_zones[2];
	batch = z->pcp[0].batch;
	is_long(batch, 15, "batch 15");
	ok(z->pcp[0].flags & RMM_PCPF_FREE_HIGH_BATCH,
	   "slice 46 pages > 3 * batch: PCPF_FREE_HIGH_BATCH");
	ok(!(z->pcp[1].flags & RMM_PCPF_FREE_HIGH_BATCH),
	   "slice 45 pages = 3 * batch: no flag");
	ok(z->pcp[2].flags & RMM_PCPF_FREE_HIGH_BATCH, "1 MiB slice: flag");
	ok(!(z->pcp[3].flags & RMM_PCPF_FREE_HIGH_BATCH), "unknown slice: no flag");

	mm.layout.pcp_sparse_threshold = RMM_PAGEBLOCK_NR_PAGES + 1;
	pcp = &z->pcp[0];
	set_pcp(pcp, 8, 64);
	free_order1_run(z, cnt);
	for (i = 0, bad = 0; i < 9; i++)
		bad += cnt[i] != want_on[i];
	ok(!bad, "with the flag: counts %d %d %d %d %d %d %d %d %d (2 4 6 8 0 2 4 6 0)",
	   cnt[0], cnt[1], cnt[2], cnt[3], cnt[4], cnt[5], cnt[6], cnt[7],
	   cnt[8]);
	pcp->flags &= ~RMM_PCPF_FREE_HIGH_BATCH;
	free_order1_run(z, cnt);
	for (i = 0, bad = 0; i < 9; i++)
		bad += cnt[i] != want_off[i];
	ok(!bad, "without: counts %d %d %d %d %d %d %d %d %d (2 4 6 8 0 0 0 0 0)",
	   cnt[0], cnt[1], cnt[2], cnt[3], cnt[4], cnt[5], cnt[6], cnt[7],
	   cnt[8]);
	is_long(rmm_validate_mm(&mm), 0, "validator clean");
	is_long(rmm_mm_fini(&mm), 0, "fini");
}

/* the sparse threshold is per instance: above pageblock_nr_pages + 1 refused */
static void test_sparse_threshold_layout(void)
{
	struct rmm_layout l;
	struct rmm_range r;

	rmm_port_set_nr_cpus(4);
	rmm_layout_default(&l, 1, 4);
	is_long(l.pcp_sparse_threshold, RMM_PAGEBLOCK_NR_PAGES / 4,
		"default pcp_sparse_threshold a quarter pageblock (128)");
	r.start_pfn = 0x100000;
	r.nr_pages = 8192;
	r.nid = 0;
	r.vaddr = rmm_test_mem(8192UL << RMM_PAGE_SHIFT);
	l.pcp_sparse_threshold = RMM_PAGEBLOCK_NR_PAGES + 2;
	is_long(rmm_mm_init(&mm, &l, &r, 1), -EINVAL, "514 refused");
	l.pcp_sparse_threshold = RMM_PAGEBLOCK_NR_PAGES + 1;
	is_long(rmm_mm_init(&mm, &l, &r, 1), 0, "513 (off) taken");
	is_long(mm.layout.pcp_sparse_threshold, 513, "the instance's own copy");
	is_long(rmm_mm_fini(&mm), 0, "fini");
	rmm_test_unmem(r.vaddr, 8192UL << RMM_PAGE_SHIFT);
}

struct targ {
	int cpu;
	unsigned long iters;
	long failed;
};

static volatile int stop_drain;

static void *worker(void *a)
{
	struct targ *t = a;
	struct rmm_page *held[256] = { 0 };
	unsigned int ord[256];
	u64 s = 0x9e3779b97f4a7c15ULL * (t->cpu + 1);
	unsigned long i;

	rmm_port_set_cpu(t->cpu);
	for (i = 0; i < t->iters; i++) {
		unsigned int slot, o;

		s ^= s << 13; s ^= s >> 7; s ^= s << 17;
		slot = s % 256;
		if (held[slot]) {
			rmm_mm_free_pages(&mm, held[slot], ord[slot]);
			held[slot] = NULL;
			continue;
		}
		o = (s >> 20) % 5;
		o = o == 4 ? 9 : o;
		held[slot] = rmm_mm_alloc_pages(&mm, RMM_NUMA_NO_NODE, o,
						(s >> 30) & 1 ? RMM_GFP_KERNEL :
						RMM_GFP_HIGHUSER_MOVABLE);
		ord[slot] = o;
		if (!held[slot])
			t->failed++;
	}
	for (i = 0; i < 256; i++)
		if (held[i])
			rmm_mm_free_pages(&mm, held[i], ord[i]);
	return NULL;
}

static void *drainer(void *a)
{
	rmm_port_set_cpu(3);
	while (!stop_drain)
		rmm_drain_all_pages(&mm);
	return NULL;
}

static long validate_runs, validate_errors;

/* RMM_IOC_VALIDATE while everybody allocates: must never see a lie */
static void *validator(void *a)
{
	rmm_port_set_cpu(2);
	while (!stop_drain) {
		if (rmm_validate_mm(&mm))
			validate_errors++;
		validate_runs++;
	}
	return NULL;
}

static void test_threads(void)
{
	pthread_t th[4], dr, va;
	struct targ t[4];
	int i;

	rmm_test_mm_simple(&mm, 2, 65536, 0x100000);
	for (i = 0; i < 4; i++) {
		t[i].cpu = i;
		t[i].iters = 200000;
		t[i].failed = 0;
		pthread_create(&th[i], NULL, worker, &t[i]);
	}
	pthread_create(&dr, NULL, drainer, NULL);
	pthread_create(&va, NULL, validator, NULL);
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	stop_drain = 1;
	pthread_join(dr, NULL);
	pthread_join(va, NULL);
	ok(validate_runs > 0 && !validate_errors,
	   "validator ran %ld times concurrently, no errors", validate_runs);
	is_long(t[0].failed + t[1].failed + t[2].failed + t[3].failed, 0,
		"no allocation failed with 4 threads");
	is_long(rmm_validate_mm(&mm), 0, "validator clean after threads");
	rmm_drain_all_pages(&mm);
	is_long(rmm_mm_total_free(&mm), rmm_mm_total_managed(&mm),
		"every page back after drain_all");
	ok(rmm_vm_event_state(&mm, RMM_DRAIN_ALL) > 0, "drain_all ran %lu times",
	   rmm_vm_event_state(&mm, RMM_DRAIN_ALL));
	is_long(rmm_mm_fini(&mm), 0, "fini");
}

int main(void)
{
	test_single();
	test_61_dynamics();
	test_free_high_batch();
	test_sparse_threshold_layout();
	test_threads();
	return done_testing();
}
