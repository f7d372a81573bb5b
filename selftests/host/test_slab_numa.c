// SPDX-License-Identifier: GPL-2.0
/*
 * test_slab_numa.c - slab NUMA placement on a 2-node instance (TAP).
 *
 * The default layout puts CPU i on node i % 2: objects allocated on CPU 0
 * must come from node 0's pages and be listed on node 0, those of CPU 1
 * from node 1; objects freed on the other node's CPU go back to their own
 * node's lists when flushed; every page comes back at the end.
 */
#include "rmm_test.h"
#include "slab.h"

#define N 500

static long node_free(struct rmm_mm *mm, int nid)
{
	long sum = 0;
	int z;

	for (z = 0; z < RMM_MAX_NR_ZONES; z++)
		sum += rmm_zone_page_state(&mm->nodes[nid].node_zones[z],
					   RMM_NR_FREE_PAGES);
	return sum;
}

static int count_on(struct rmm_mm *mm, void **o, int n, int nid)
{
	int i, k = 0;

	for (i = 0; i < n; i++)
		k += rmm_mm_page_nid(mm, rmm_mm_virt_to_page(mm, o[i])) == nid;
	return k;
}

int main(void)
{
	static struct rmm_mm mm;
	static void *a[N], *b[N], *ka[N];
	struct rmm_cache *c;
	long f0, f1;
	int i;

	plan(11);
	if (rmm_test_mm_simple(&mm, 2, 16384, 0x400000) || rmm_slab_init(&mm, NULL)) {
		printf("# instance setup failed\n");
		return 1;
	}
	rmm_slab_shrink_all(&mm);
	rmm_drain_all_pages(&mm);
	f0 = node_free(&mm, 0);
	f1 = node_free(&mm, 1);
	c = rmm_mm_cache_create(&mm, "numa-128", 128, 0, 0, NULL);
	ok(c != NULL, "cache on a 2-node instance");

	rmm_port_set_cpu(0);
	for (i = 0; i < N; i++)
		a[i] = rmm_cache_alloc(c, RMM_GFP_KERNEL);
	rmm_port_set_cpu(1);
	for (i = 0; i < N; i++) {
		b[i] = rmm_cache_alloc(c, RMM_GFP_KERNEL);
		ka[i] = rmm_mm_kmalloc(&mm, 300, RMM_GFP_KERNEL);
	}
	is_long(count_on(&mm, a, N, 0), N, "CPU 0 (node 0): objects from node 0");
	is_long(count_on(&mm, b, N, 1), N, "CPU 1 (node 1): objects from node 1");
	is_long(count_on(&mm, ka, N, 1), N, "CPU 1: kmalloc from node 1");
	ok(c->node[0].nr_slabs > 0 && c->node[1].nr_slabs > 0,
	   "slabs listed on their own node (%lu, %lu)", c->node[0].nr_slabs,
	   c->node[1].nr_slabs);

	/* cross-node frees: CPU 1 frees node 0's objects and vice versa */
	for (i = 0; i < N; i++) {
		rmm_cache_free(c, a[i]);
		rmm_mm_kfree(&mm, ka[i]);
	}
	rmm_port_set_cpu(0);
	for (i = 0; i < N; i++)
		rmm_cache_free(c, b[i]);
	is_long(rmm_cache_validate(c), 0, "validate after cross-node frees");
	is_long(rmm_cache_shrink(c) >= 0, 1, "shrink");
	ok(c->node[0].nr_slabs == 0 && c->node[1].nr_slabs == 0,
	   "every slab of both nodes freed");
	is_long(rmm_cache_destroy(c), 0, "destroy");
	rmm_slab_shrink_all(&mm);
	rmm_drain_all_pages(&mm);
	ok(node_free(&mm, 0) == f0 && node_free(&mm, 1) == f1,
	   "each node's free pages back (%ld/%ld, %ld/%ld)", node_free(&mm, 0),
	   f0, node_free(&mm, 1), f1);
	is_long(rmm_slab_fini(&mm) || rmm_mm_fini(&mm), 0, "teardown");
	return done_testing();
}
