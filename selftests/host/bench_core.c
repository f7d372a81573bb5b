// SPDX-License-Identifier: GPL-2.0
/*
 * bench_core.c - native numbers for the regionmm core (built -O2 without
 * sanitizers by `make -C selftests/host bench`):
 *   repeat   order-0 alloc+free of the same page (per-CPU hot path)
 *   bulk     N order-0 allocations, then N frees
 *   rand     N allocations freed in random order, 1 and 2 threads
 *   order9   order-9 (2 MiB) alloc+free
 *   frag     LLFree's "frag" (luhsra/linux-alloc-bench): fill 90 % of the
 *            zone with order-0 movable pages, free a random half, then 100
 *            rounds of freeing 10 % of the slots at random and allocating
 *            them again; report free 2 MiB blocks as a share of free memory
 *            (free_area[9] + 2 * free_area[10], times 512, / NR_FREE_PAGES)
 * Usage: [SPARSE=n] bench_core [region_MiB]   (default 1024; SPARSE sets
 *        the instance's pcp_sparse_threshold, 513 = kernel-like pcp
 *        recycling)
 */
#include <pthread.h>
#include <time.h>
#include "rmm_test.h"

static struct rmm_mm mm;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static u64 rng_state = 42;
static u64 rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void bench_repeat(unsigned long n)
{
	double t;
	unsigned long i;

	for (i = 0; i < 1000; i++)
		rmm_mm_free_pages(&mm, rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_KERNEL), 0);
	t = now_ns();
	for (i = 0; i < n; i++) {
		struct rmm_page *p = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_KERNEL);

		rmm_mm_free_pages(&mm, p, 0);
	}
	t = now_ns() - t;
	printf("BENCH repeat order=0 pairs=%lu ns_per_pair=%.1f\n", n, t / n);
}

static void bench_bulk(unsigned long n, unsigned int order)
{
	struct rmm_page **p = calloc(n, sizeof(*p));
	double t1, t2;
	unsigned long i;

	t1 = now_ns();
	for (i = 0; i < n; i++)
		p[i] = rmm_mm_alloc_pages(&mm, 0, order, RMM_GFP_KERNEL);
	t1 = now_ns() - t1;
	t2 = now_ns();
	for (i = 0; i < n; i++)
		rmm_mm_free_pages(&mm, p[i], order);
	t2 = now_ns() - t2;
	printf("BENCH bulk order=%u n=%lu ns_alloc=%.1f ns_free=%.1f\n", order,
	       n, t1 / n, t2 / n);
	free(p);
}

struct rand_arg {
	int cpu;
	unsigned long n;
	struct rmm_page **p;
	double ns;
	pthread_barrier_t *bar;
};

static void *rand_thread(void *a)
{
	struct rand_arg *ra = a;
	unsigned long i;
	double t;

	rmm_port_set_cpu(ra->cpu);
	for (i = 0; i < ra->n; i++)
		ra->p[i] = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_KERNEL);
	pthread_barrier_wait(ra->bar);	/* shuffle happens in main */
	pthread_barrier_wait(ra->bar);
	t = now_ns();
	for (i = 0; i < ra->n; i++)
		rmm_mm_free_pages(&mm, ra->p[i], 0);
	ra->ns = (now_ns() - t) / ra->n;
	return NULL;
}

static void bench_rand(int threads, unsigned long n)
{
	struct rand_arg ra[8];
	pthread_t th[8];
	pthread_barrier_t bar;
	double sum = 0;
	unsigned long i;
	int t;

	pthread_barrier_init(&bar, NULL, threads + 1);
	for (t = 0; t < threads; t++) {
		ra[t].cpu = t;
		ra[t].n = n;
		ra[t].p = calloc(n, sizeof(struct rmm_page *));
		ra[t].bar = &bar;
		pthread_create(&th[t], NULL, rand_thread, &ra[t]);
	}
	pthread_barrier_wait(&bar);
	for (i = 0; i < n * threads; i++) {	/* shuffle across threads */
		unsigned long j = rnd() % (n * threads);
		struct rmm_page *x = ra[i % threads].p[i / threads];

		ra[i % threads].p[i / threads] = ra[j % threads].p[j / threads];
		ra[j % threads].p[j / threads] = x;
	}
	pthread_barrier_wait(&bar);
	for (t = 0; t < threads; t++) {
		pthread_join(th[t], NULL);
		sum += ra[t].ns;
		free(ra[t].p);
	}
	printf("BENCH rand threads=%d n=%lu ns_free=%.1f\n", threads, n,
	       sum / threads);
	pthread_barrier_destroy(&bar);
}

static void bench_order9(unsigned long n)
{
	double t;
	unsigned long i;

	t = now_ns();
	for (i = 0; i < n; i++) {
		struct rmm_page *p = rmm_mm_alloc_pages(&mm, 0, 9,
							RMM_GFP_KERNEL);
		rmm_mm_free_pages(&mm, p, 9);
	}
	t = now_ns() - t;
	printf("BENCH order9 pairs=%lu ns_per_pair=%.1f\n", n, t / n);
}

static void bench_frag(struct rmm_zone *z, unsigned int rounds)
{
	unsigned long present = z->present_pages, num, half, i, r;
	unsigned long realloc_n, huge, freep;
	struct rmm_page **pages;
	rmm_gfp_t gfp = RMM_GFP_HIGHUSER_MOVABLE | RMM___GFP_THISNODE;
	u64 rng2;

	num = (present - 10) * 90 / 100;
	pages = calloc(num, sizeof(*pages));
	for (i = 0; i < num; i++) {
		pages[i] = rmm_mm_alloc_pages(&mm, 0, 0, gfp);
		if (!pages[i]) {
			printf("BENCH frag FAILED at fill %lu\n", i);
			exit(1);
		}
	}
	for (i = 0; i < num; i++) {
		unsigned long j = rnd() % num;
		struct rmm_page *x = pages[i];

		pages[i] = pages[j];
		pages[j] = x;
	}
	half = num / 2;
	for (i = half; i < num; i++)
		rmm_mm_free_pages(&mm, pages[i], 0);
	num = half;
	realloc_n = num * 10 / 100;
	for (r = 0; r < rounds; r++) {
		unsigned long j;

		rng2 = rng_state;
		for (j = 0; j < realloc_n;) {
			i = rnd() % num;
			if (pages[i]) {
				rmm_mm_free_pages(&mm, pages[i], 0);
				pages[i] = NULL;
				j++;
			}
		}
		rng_state = rng2;
		for (j = 0; j < realloc_n;) {
			i = rnd() % num;
			if (!pages[i]) {
				pages[i] = rmm_mm_alloc_pages(&mm, 0, 0, gfp);
				if (!pages[i]) {
					printf("BENCH frag FAILED realloc\n");
					exit(1);
				}
				j++;
			}
		}
		if (r == 0 || r == rounds - 1 || (r + 1) % 25 == 0) {
			huge = z->free_area[9].nr_free + 2 * z->free_area[10].nr_free;
			freep = rmm_zone_page_state(z, RMM_NR_FREE_PAGES);
			printf("# frag round %lu: free=%lu huge=%lu (%.1f %%)\n",
			       r + 1, freep, huge, 100.0 * huge * 512 / freep);
		}
	}
	huge = z->free_area[9].nr_free + 2 * z->free_area[10].nr_free;
	freep = rmm_zone_page_state(z, RMM_NR_FREE_PAGES);
	printf("BENCH frag rmm_pct=%.1f free_pages=%lu free_huge=%lu rounds=%u\n",
	       100.0 * huge * 512 / freep, freep, huge, rounds);
	if (rmm_validate_mm(&mm))
		printf("BENCH frag VALIDATION FAILED\n");
	for (i = 0; i < num; i++)
		if (pages[i])
			rmm_mm_free_pages(&mm, pages[i], 0);
	free(pages);
}

int main(int argc, char **argv)
{
	unsigned long mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 1024;
	unsigned long pages = mib << (20 - RMM_PAGE_SHIFT);

	if (rmm_test_mm_simple(&mm, 1, pages, 0x100000)) {
		fprintf(stderr, "init failed\n");
		return 1;
	}
	if (getenv("SPARSE"))
		mm.layout.pcp_sparse_threshold = atoi(getenv("SPARSE"));
	printf("# regionmm core, %lu MiB, descriptor %zu B/page, memmap %lu pages\n",
	       mib, sizeof(struct rmm_page), mm.memmap_pages);
	bench_repeat(5000000);
	bench_bulk(100000, 0);
	bench_rand(1, 100000);
	bench_rand(2, 100000);
	rmm_drain_all_pages(&mm);	/* order-9 runs on a quiet zone */
	bench_order9(200000);
	bench_bulk(200, 9);
	rmm_drain_all_pages(&mm);
	bench_frag(&mm.nodes[0].node_zones[2], 100);
	rmm_drain_all_pages(&mm);
	if (rmm_mm_fini(&mm))
		return 1;
	return 0;
}
