// SPDX-License-Identifier: GPL-2.0
/*
 * bench_slab.c - native numbers of the slab fast paths (user-space build of
 * the same src/core/slab.c that goes into regionmm.ko).
 *
 *   pair:  alloc + free of one object in a loop (the per-CPU hot path;
 *          SLUB's kmem_cache_alloc/free pair is ~42-47 cycles)
 *   bulk:  allocate N objects, then free them (exercises refill/flush and
 *          the partial lists)
 *   kmalloc pair for 64 B and 1 KiB, and glibc malloc/free as a yardstick.
 *
 * The user port models preemption-off with a per-slot spinlock, so each
 * user-space operation pays an uncontended lock/unlock the kernel build
 * does not have (there it is get_cpu()/put_cpu()).  Every figure is
 * printed twice: "locked" with that model, and "owned" with
 * rmm_port_slot_owned set (legal here: one thread, one slot), which is
 * the instruction path of the kernel's fast path.  Under the sanitizer
 * build (build/host/tests) it only checks that it runs.
 */
#include <time.h>
#include "rmm_test.h"
#include "slab.h"

#ifdef RMM_BENCH_NATIVE
#define ITERS	5000000L
#define BULK_N	10000
#define ROUNDS	50
#else
#define ITERS	20000L
#define BULK_N	1000
#define ROUNDS	2
#endif

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void *volatile sink;
static void *bulk[BULK_N];

static double bench_pair(struct rmm_cache *c)
{
	double t0 = now_ns();
	long i;

	for (i = 0; i < ITERS; i++) {
		void *p = rmm_cache_alloc(c, RMM_GFP_KERNEL);

		sink = p;
		rmm_cache_free(c, p);
	}
	return (now_ns() - t0) / ITERS;
}

static void bench_bulk(struct rmm_cache *c, double *a, double *f)
{
	double ta = 0, tf = 0, t0;
	int r, i;

	for (r = 0; r < ROUNDS; r++) {
		t0 = now_ns();
		for (i = 0; i < BULK_N; i++)
			bulk[i] = rmm_cache_alloc(c, RMM_GFP_KERNEL);
		ta += now_ns() - t0;
		t0 = now_ns();
		for (i = 0; i < BULK_N; i++)
			rmm_cache_free(c, bulk[i]);
		tf += now_ns() - t0;
	}
	*a = ta / ROUNDS / BULK_N;
	*f = tf / ROUNDS / BULK_N;
}

static double bench_kmalloc(struct rmm_mm *mm, size_t sz)
{
	double t0 = now_ns();
	long i;

	for (i = 0; i < ITERS; i++) {
		void *p = rmm_mm_kmalloc(mm, sz, RMM_GFP_KERNEL);

		sink = p;
		rmm_mm_kfree(mm, p);
	}
	return (now_ns() - t0) / ITERS;
}

static double bench_malloc(size_t sz)
{
	double t0 = now_ns();
	long i;

	for (i = 0; i < ITERS; i++) {
		void *p = malloc(sz);

		sink = p;
		free(p);
	}
	return (now_ns() - t0) / ITERS;
}

int main(void)
{
	static struct rmm_mm mm;
	static const unsigned int sizes[] = { 64, 1024 };
	unsigned int i;

	if (rmm_test_mm_simple(&mm, 1, 65536, 0x100000) || rmm_slab_init(&mm, NULL)) {
		printf("1..0 # SKIP instance setup failed\n");
		return 1;
	}
	for (i = 0; i < 2 * ARRAY_SIZE(sizes); i++) {
		unsigned int sz = sizes[i % ARRAY_SIZE(sizes)];
		const char *mode = i < ARRAY_SIZE(sizes) ? "locked" : "owned";
		struct rmm_cache *c;
		double pair, a, f;

		rmm_port_slot_owned = i >= ARRAY_SIZE(sizes);
		c = rmm_mm_cache_create(&mm, "bench", sz, 0, 0, NULL);
		bench_pair(c);	/* warm up */
		pair = bench_pair(c);
		bench_bulk(c, &a, &f);
		printf("# slab %4u B (%s): pair %.1f ns; bulk(%d) alloc %.1f ns, free %.1f ns\n",
		       sz, mode, pair, BULK_N, a, f);
		printf("BENCH slab_pair_%u_%s ns=%.1f\n", sz, mode, pair);
		printf("BENCH slab_bulk_alloc_%u_%s ns=%.1f\n", sz, mode, a);
		printf("BENCH slab_bulk_free_%u_%s ns=%.1f\n", sz, mode, f);
		printf("BENCH kmalloc_pair_%u_%s ns=%.1f\n", sz, mode,
		       bench_kmalloc(&mm, sz));
		if (i < ARRAY_SIZE(sizes))
			printf("BENCH glibc_malloc_pair_%u ns=%.1f\n", sz,
			       bench_malloc(sz));
		rmm_cache_destroy(c);
	}
	rmm_port_slot_owned = false;
	plan(1);
	ok(rmm_slab_fini(&mm) == 0 && rmm_mm_fini(&mm) == 0,
	   "benchmark ran, everything freed");
	return done_testing();
}
