// SPDX-License-Identifier: GPL-2.0
/*
 * bench_memobj.c - native numbers for memory objects (memobj.c), built
 * -O2 without sanitizers by `make -C selftests/host bench`:
 *   fault    first touch of N pages of a private view in order (index
 *            walk, page allocation, zeroing, counters): the core's share
 *            of the guest's fault_first_touch (the region is touched
 *            beforehand: the host's own faults are not counted)
 *   refault  fault again on the same N pages (index lookup only)
 *   cow      write fault on N pages shared with a forked view (copy)
 *   punch    punch the N pages of a view (victims) and free them
 * The instance has its LRU (rmm_lru_init()): every fault page goes on it
 * and every freed page comes off it, as in the module.
 * Usage: bench_memobj [pages]   (default 65536 = 256 MiB)
 */
#include <time.h>
#include "rmm_test.h"
#include "memobj.h"
#include "lru.h"

static struct rmm_mm mm;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/*
 * touch every free page once, so the host's own first-touch faults on
 * the test region are not counted
 */
static void pretouch(void)
{
	struct rmm_page *head = NULL, *p;

	while ((p = rmm_mm_alloc_pages(&mm, 0, 0, RMM_GFP_HIGHUSER_MOVABLE |
				       RMM___GFP_NOWARN))) {
		struct rmm_page **link = rmm_mm_page_address(&mm, p);

		memset(link, 0x5a, 4096);
		*link = head;
		head = p;
	}
	while (head) {
		p = head;
		head = *(struct rmm_page **)rmm_mm_page_address(&mm, p);
		rmm_mm_free_pages(&mm, p, 0);
	}
}

static double faults(struct rmm_memview *v, unsigned long n, bool write)
{
	struct rmm_fault f = { .write = write };
	double t = now_ns();
	unsigned long i;

	rmm_memview_lock(v);
	for (i = 0; i < n; i++) {
		f.pgoff = i;
		if (rmm_memview_fault(v, &f)) {
			printf("BENCH memobj FAILED fault %lu\n", i);
			exit(1);
		}
		if (f.replaced) {	/* a COW fault lets go of the original */
			struct rmm_plist vl;

			rmm_plist_init(&vl);
			rmm_memview_fault_done(v, &f, &vl);
			rmm_memobj_free_victims(rmm_memview_obj(v), &vl);
		}
	}
	rmm_memview_unlock(v);
	return (now_ns() - t) / n;
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 65536;
	struct rmm_pgrange all = { 0, n };
	struct rmm_memview *a, *b;
	struct rmm_memobj *obj;
	struct rmm_plist vl;
	double t_fault, t_refault, t_cow, t_punch;
	bool first;

	/* room for the pages, their copies and the pcp lists */
	if (rmm_test_mm_simple(&mm, 1, 2 * n + 16384, 0x100000) ||
	    rmm_lru_init(&mm)) {
		printf("BENCH memobj FAILED init\n");
		return 1;
	}
	rmm_port_slot_owned = true;
	pretouch();
	rmm_plist_init(&vl);
	obj = rmm_memobj_create(&mm, RMM_MEMOBJ_PRIVATE, 0,
				RMM_GFP_HIGHUSER_MOVABLE);
	a = rmm_memview_get(obj, 1);
	t_fault = faults(a, n, true);
	t_refault = faults(a, n, true);
	b = rmm_memview_fork(a, 2, &first);
	t_cow = faults(b, n, true);
	t_punch = now_ns();
	rmm_memview_punch(b, &all, &vl);
	rmm_memobj_free_victims(obj, &vl);
	t_punch = (now_ns() - t_punch) / n;
	printf("BENCH memobj pages=%lu fault_ns=%.1f refault_ns=%.1f cow_ns=%.1f punch_ns=%.1f meta_bytes_per_page=%.2f\n",
	       n, t_fault, t_refault, t_cow, t_punch,
	       (double)rmm_memobj_metadata_bytes(&mm) / n);
	rmm_memview_put(b);
	rmm_memview_put(a);
	rmm_memobj_put(obj);
	rmm_lru_fini(&mm);
	return rmm_mm_fini(&mm) ? 1 : 0;
}
