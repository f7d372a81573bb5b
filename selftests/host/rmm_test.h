/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rmm_test.h - tiny TAP harness and region helpers for host tests of the
 * regionmm core (shared by core and slab tests; header-only).
 *
 *   plan(n) / ok(cond, fmt, ...) / is_long(got, want, fmt, ...) / diag()
 *   skip(fmt, ...): a test counted as "ok N # SKIP reason"
 *   expect_warnings(n, fmt, ...): a test that exactly n kernel-style
 *     WARNINGs (RMM_WARN_ON*, counted in rmm_port_warnings) were hit since
 *     the last call; it consumes them
 *   done_testing() -> exit status (0 when every test passed and no WARNING
 *     was hit that expect_warnings() did not consume)
 *   rmm_test_mem(bytes): page-aligned MAP_NORESERVE memory standing in for
 *     a physical region (untouched pages cost nothing)
 *   rmm_test_mm_simple(mm, nodes, pages_per_node, start_pfn): an instance
 *     with one range per node, default layout (DMA/DMA32/Normal/Movable/
 *     Device, kver 6.12, 4 CPUs); its mm->ops is NULL (no host services)
 *   rmm_test_set_ops(mm): give an instance the test's host services
 *     (struct rmm_mm_ops): a fake clock (rmm_test_clock_ns, advanced by
 *     the test) and kswapd wakeups counted per node
 *     (rmm_test_kswapd_wakeups[nid])
 */
#ifndef _RMM_TEST_H
#define _RMM_TEST_H

#include <stdarg.h>
#include <sys/mman.h>
#include "page_alloc.h"

static int tap_n, tap_fail, tap_planned;
static long tap_warns_consumed;	/* rmm_port_warnings already accounted */

static inline void plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
}

static inline __attribute__((format(printf, 2, 3)))
bool ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (!cond)
		tap_fail++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return cond;
}

#define is_long(got, want, fmt, ...) ({					\
	long __g = (long)(got), __w = (long)(want);			\
	bool __r = ok(__g == __w, fmt, ##__VA_ARGS__);			\
	if (!__r)							\
		printf("#   got %ld, expected %ld\n", __g, __w);	\
	__r;								\
})

static inline __attribute__((format(printf, 1, 2))) void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static inline __attribute__((format(printf, 1, 2)))
void skip(const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("ok %d # SKIP ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* WARNINGs hit and not yet consumed by expect_warnings() */
static inline long warnings_pending(void)
{
	return atomic_load(&rmm_port_warnings) - tap_warns_consumed;
}

/*
 * A test that deliberately triggers WARNs states how many: exactly @n must
 * have been hit since the previous expect_warnings() (or the start).  They
 * are consumed either way, so one wrong count fails one test only.
 */
#define expect_warnings(n, fmt, ...) ({					\
	long __seen = warnings_pending(), __n = (long)(n);		\
	bool __r = ok(__seen == __n, fmt, ##__VA_ARGS__);		\
	if (!__r)							\
		printf("#   %ld WARNINGs hit, expected %ld\n", __seen, __n); \
	tap_warns_consumed += __seen;					\
	__r;								\
})

/*
 * Exit status of a test program.  Any WARNING that no expect_warnings()
 * consumed fails the program: the core WARNs only on a bug (or a bad call
 * a test makes on purpose and then declares).
 */
static inline int done_testing(void)
{
	long unexpected = warnings_pending();

	if (unexpected) {
		tap_n++;
		tap_fail++;
		printf("not ok %d - %ld unexpected kernel-style WARNING(s), last at %s\n",
		       tap_n, unexpected, rmm_port_last_warning);
	}
	if (!tap_planned)
		printf("1..%d\n", tap_n);
	else if (tap_planned != tap_n) {
		printf("# planned %d tests but ran %d\n", tap_planned, tap_n);
		return 1;
	}
	return tap_fail ? 1 : 0;
}

static inline void *rmm_test_mem(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	return p;
}

static inline void rmm_test_unmem(void *p, size_t bytes)
{
	munmap(p, bytes);
}

/* one range per node: node n at start_pfn + n * pages_per_node */
static inline int rmm_test_mm_simple(struct rmm_mm *mm, int nodes,
				     unsigned long pages_per_node,
				     unsigned long start_pfn)
{
	struct rmm_layout l;
	struct rmm_range r[RMM_MAX_NUMNODES];
	int n;

	rmm_port_set_nr_cpus(4);
	rmm_layout_default(&l, nodes, 4);
	for (n = 0; n < nodes; n++) {
		r[n].start_pfn = start_pfn + n * pages_per_node;
		r[n].nr_pages = pages_per_node;
		r[n].nid = n;
		r[n].vaddr = rmm_test_mem(pages_per_node << RMM_PAGE_SHIFT);
	}
	return rmm_mm_init(mm, &l, r, nodes);
}

/* the test's host services: a clock it sets, wakeups it counts */
static u64 rmm_test_clock_ns;
static unsigned long rmm_test_kswapd_wakeups[RMM_MAX_NUMNODES];

static inline u64 rmm_test_now_ns(struct rmm_mm *mm)
{
	return rmm_test_clock_ns;
}

static inline void rmm_test_wake_kswapd(struct rmm_mm *mm, int nid)
{
	if (nid >= 0 && nid < RMM_MAX_NUMNODES)
		rmm_test_kswapd_wakeups[nid]++;
}

/* after rmm_mm_init(), which zeroes the instance */
static inline void rmm_test_set_ops(struct rmm_mm *mm)
{
	static const struct rmm_mm_ops ops = {
		.wake_kswapd	= rmm_test_wake_kswapd,
		.now_ns		= rmm_test_now_ns,
	};

	mm->ops = &ops;
}

#endif /* _RMM_TEST_H */
