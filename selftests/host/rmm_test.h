/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rmm_test.h - tiny TAP harness and region helpers for host tests of the
 * regionmm core (shared by core and slab tests; header-only).
 *
 *   plan(n) / ok(cond, fmt, ...) / is_long(got, want, fmt, ...) / diag()
 *   done_testing() -> exit status (0 when every test passed)
 *   rmm_test_mem(bytes): page-aligned MAP_NORESERVE memory standing in for
 *     a physical region (untouched pages cost nothing)
 *   rmm_test_mm_simple(mm, nodes, pages_per_node, start_pfn): an instance
 *     with one range per node, default layout (DMA/DMA32/Normal/Movable/
 *     Device, kver 6.12, 4 CPUs)
 */
#ifndef _RMM_TEST_H
#define _RMM_TEST_H

#include <stdarg.h>
#include <sys/mman.h>
#include "page_alloc.h"

static int tap_n, tap_fail, tap_planned;

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

static inline int done_testing(void)
{
	if (!tap_planned)
		printf("1..%d\n", tap_n);
	else if (tap_planned != tap_n) {
		printf("# planned %d tests but ran %d\n", tap_planned, tap_n);
		return 1;
	}
	if (atomic_load(&rmm_port_warnings))
		printf("# %ld kernel-style WARNINGs were hit\n",
		       (long)atomic_load(&rmm_port_warnings));
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

#endif /* _RMM_TEST_H */
