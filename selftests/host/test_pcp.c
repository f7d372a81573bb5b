// SPDX-License-Identifier: GPL-2.0
/*
 * test_pcp.c - per-CPU page lists: refill/free batching, high limits,
 * local and remote drains, and 4 threads on 4 CPU slots allocating and
 * freeing orders 0-3 and 9 while another drains all CPUs (IPI emulation).
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
	test_threads();
	return done_testing();
}
