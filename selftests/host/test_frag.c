// SPDX-License-Identifier: GPL-2.0
/*
 * test_frag.c - regression guard for anti-fragmentation: LLFree's "frag"
 * workload (fill 90 % of free memory with order-0 movable pages, free a
 * random half, 100 rounds of freeing and re-allocating 10 % at random) on
 * 256 MiB with 1 and 2 CPUs per node must leave >= 95 % of free memory in
 * free 2 MiB blocks (the kernel keeps ~15-20 %), and with the pcp bypass
 * disabled (threshold 513) it must not (so the test measures something).
 */
#include "rmm_test.h"

static struct rmm_mm mm;
static u64 s;

static u64 rnd(void)
{
	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s;
}

static double frag(int ncpu, unsigned int threshold)
{
	const rmm_gfp_t gfp = RMM_GFP_HIGHUSER_MOVABLE | RMM___GFP_NORETRY |
		RMM___GFP_NOWARN;
	static void *mem;
	unsigned long num, i, j, r, want, huge, fr;
	struct rmm_layout l;
	struct rmm_range rg;
	struct rmm_page **v;
	struct rmm_zone *z;

	s = 42;
	if (!mem)
		mem = rmm_test_mem(256UL << 20);
	rmm_port_set_nr_cpus(ncpu);
	rmm_layout_default(&l, 1, ncpu);
	l.pcp_sparse_threshold = threshold;
	rg = (struct rmm_range){ 0x40000, 65536, 0, mem };
	if (rmm_mm_init(&mm, &l, &rg, 1))
		return -1;
	z = &mm.nodes[0].node_zones[1];
	num = rmm_zone_page_state(z, RMM_NR_FREE_PAGES) * 90 / 100;
	v = calloc(num, sizeof(*v));
	for (i = 0; i < num && (v[i] = rmm_mm_alloc_pages(&mm, 0, 0, gfp)); i++)
		;
	num = i;
	for (i = num - 1; i > 0; i--) {
		struct rmm_page *x;

		j = rnd() % (i + 1);
		x = v[i];
		v[i] = v[j];
		v[j] = x;
	}
	for (i = num / 2; i < num; i++)
		rmm_mm_free_pages(&mm, v[i], 0);
	num /= 2;
	want = num / 10;
	for (r = 0; r < 100; r++) {
		u64 s2 = s;

		for (i = 0; i < want;) {
			j = rnd() % num;
			if (v[j]) {
				rmm_mm_free_pages(&mm, v[j], 0);
				v[j] = NULL;
				i++;
			}
		}
		s = s2;
		for (i = 0; i < want;) {
			j = rnd() % num;
			if (!v[j]) {
				v[j] = rmm_mm_alloc_pages(&mm, 0, 0, gfp);
				if (!v[j])
					return -1;
				i++;
			}
		}
	}
	huge = z->free_area[9].nr_free + 2 * z->free_area[10].nr_free;
	fr = rmm_zone_page_state(z, RMM_NR_FREE_PAGES);
	if (rmm_validate_mm(&mm))
		return -1;
	for (i = 0; i < num; i++)
		rmm_mm_free_pages(&mm, v[i], 0);
	free(v);
	if (rmm_mm_fini(&mm))
		return -1;
	return 100.0 * huge * 512 / fr;
}

int main(void)
{
	double p;

	p = frag(1, RMM_PCP_SPARSE_DEFAULT);
	ok(p >= 95, "1 CPU: %.1f %% of free memory in free 2 MiB blocks", p);
	p = frag(2, RMM_PCP_SPARSE_DEFAULT);
	ok(p >= 95, "2 CPUs: %.1f %%", p);
	p = frag(4, RMM_PCP_SPARSE_DEFAULT);
	ok(p >= 95, "4 CPUs: %.1f %%", p);
	p = frag(1, RMM_PAGEBLOCK_NR_PAGES + 1);
	ok(p >= 0 && p < 50, "pcp bypass off: only %.1f %% (kernel-like)", p);
	return done_testing();
}
