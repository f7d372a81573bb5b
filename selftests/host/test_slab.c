// SPDX-License-Identifier: GPL-2.0
/*
 * test_slab.c - host tests of the regionmm slab allocator (src/core/slab.c)
 * under ASan/UBSan, TAP output.
 *
 * Covers: alloc/free, slab geometry against SLUB's calculate_order()
 * worked by hand, slabinfo and buddy page counts, LIFO reuse,
 * constructor, alignment, no overlap, kmalloc classes
 * (names, ksize, natural alignment, large blocks), shrink giving pages back
 * to the buddy (free counts return exactly), destroy refused with live
 * objects (report captured), debug checks (double free, wrong cache, not an
 * object start, left/right red zone, poison) reported and refused,
 * slab_debug= default, bad arguments, multi-threaded stress across CPU
 * slots with cross-CPU frees, teardown with nothing leaked.
 */
#include "rmm_test.h"
#include "slab.h"

#define NODE_PAGES	16384UL		/* 64 MiB per node */

static char last_report[512];
static int nr_reports;

static void capture(struct rmm_mm *mm, const char *msg)
{
	snprintf(last_report, sizeof(last_report), "%s", msg);
	nr_reports++;
}

static bool reported(const char *what)
{
	return strstr(last_report, what) != NULL;
}

static void reset_reports(void)
{
	last_report[0] = 0;
	nr_reports = 0;
}

/* rmm_cache_free() expected to be refused: reports counted afresh, quiet */
static void free_reported(struct rmm_cache *c, void *obj)
{
	reset_reports();
	rmm_port_quiet = 1;
	rmm_cache_free(c, obj);
	rmm_port_quiet = 0;
}

static long free_pages(struct rmm_mm *mm)
{
	long sum = 0;
	int n, z;

	/* off-slab headers live in kmalloc-64: let it give its pages back */
	rmm_slab_shrink_all(mm);
	rmm_drain_all_pages(mm);
	for (n = 0; n < mm->nr_nodes; n++)
		for (z = 0; z < RMM_MAX_NR_ZONES; z++)
			sum += rmm_zone_page_state(&mm->nodes[n].node_zones[z],
						   RMM_NR_FREE_PAGES);
	return sum;
}

/* free pages of the buddy (per-CPU lists drained), caches left alone */
static long buddy_free(struct rmm_mm *mm)
{
	rmm_drain_all_pages(mm);
	return rmm_mm_total_free(mm);
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

/* objects sorted by address must be at least @size apart */
static bool no_overlap(void **objs, int n, size_t size)
{
	int i;

	qsort(objs, n, sizeof(void *), cmp_ptr);
	for (i = 1; i < n; i++)
		if ((uintptr_t)objs[i] - (uintptr_t)objs[i - 1] < size)
			return false;
	return true;
}

static int ctor_calls;
static void ctor_magic(void *obj)
{
	ctor_calls++;
	memset(obj, 0x3c, 24);
}

static void test_basic(struct rmm_mm *mm)
{
	enum { N = 3000 };
	static void *objs[N];
	struct rmm_cache *c;
	struct rmm_slabinfo si;
	bool pat = true, inside = true;
	long buddy_before;
	int i;

	c = rmm_mm_cache_create(mm, "test-64", 64, 0, 0, NULL);
	ok(c != NULL, "create test-64");
	buddy_before = buddy_free(mm);
	objs[0] = rmm_cache_alloc(c, RMM_GFP_KERNEL);
	rmm_cache_get_slabinfo(c, &si);
	ok(si.num_slabs == 1 && si.num_objs == 63,
	   "first object: one slab of 63 objects (%lu slabs, %lu objects)",
	   si.num_slabs, si.num_objs);
	is_long(buddy_before - buddy_free(mm), 1, "  one page from the buddy");
	rmm_cache_free(c, objs[0]);
	for (i = 0; i < N; i++) {
		objs[i] = rmm_cache_alloc(c, RMM_GFP_KERNEL);
		if (!objs[i])
			break;
		memset(objs[i], i & 0xff, 64);
		inside &= rmm_mm_virt_to_page(mm, objs[i]) != NULL;
	}
	is_long(i, N, "allocated %d objects of 64 bytes", N);
	ok(inside, "every object lies in regionmm memory");
	for (i = 0; i < N; i++)
		pat &= ((unsigned char *)objs[i])[0] == (i & 0xff) &&
		       ((unsigned char *)objs[i])[63] == (i & 0xff);
	ok(pat, "contents intact after all allocations");
	is_long(rmm_cache_validate(c), 0, "validate with %d live objects", N);
	rmm_cache_get_slabinfo(c, &si);
	/*
	 * 63 objects per order-0 slab (SLUB's 64 less the slot of the on-slab
	 * header); 3000 objects need 48 slabs, the per-CPU array may hold up
	 * to its limit (120) more: at most 50.
	 */
	ok(si.num_slabs >= 48 && si.num_slabs <= 50 &&
	   si.num_objs == 63 * si.num_slabs,
	   "slabinfo: %lu slabs of 63 objects for %d objects", si.num_slabs, N);
	ok(si.active_objs >= N && si.active_objs <= N + 120,
	   "slabinfo: active %lu = %d + what the CPU array holds", si.active_objs, N);
	is_long(buddy_before - buddy_free(mm), si.num_slabs,
		"the buddy gave exactly one page per slab");
	ok(no_overlap(objs, N, 64), "no two objects overlap");
	{
		void *x = objs[N / 2];

		rmm_cache_free(c, x);
		objs[N / 2] = rmm_cache_alloc(c, RMM_GFP_KERNEL);
		ok(objs[N / 2] == x, "a freed object is the next one allocated (LIFO)");
		rmm_cache_get_slabinfo(c, &si);
		is_long(si.num_slabs * 63, si.num_objs, "  and no slab was added");
	}
	for (i = 0; i < N; i++)
		rmm_cache_free(c, objs[i]);
	is_long(rmm_cache_validate(c), 0, "validate after freeing all");
	rmm_cache_free(c, NULL);
	is_long(rmm_cache_destroy(c), 0, "destroy empty cache");

	ctor_calls = 0;
	c = rmm_mm_cache_create(mm, "test-ctor", 40, 0, 0, ctor_magic);
	ok(c && rmm_cache_flags(c) == 0, "create with ctor");
	for (i = 0; i < 100; i++)
		objs[i] = rmm_cache_alloc(c, RMM_GFP_KERNEL);
	pat = true;
	for (i = 0; i < 100; i++)
		pat &= objs[i] && ((unsigned char *)objs[i])[0] == 0x3c &&
		       ((unsigned char *)objs[i])[23] == 0x3c;
	ok(pat, "constructor ran on every object");
	ok(ctor_calls >= 100, "ctor called per object at slab creation (%d)",
	   ctor_calls);
	for (i = 0; i < 100; i++)
		rmm_cache_free(c, objs[i]);
	objs[0] = rmm_cache_alloc(c, RMM_GFP_KERNEL);
	ok(((unsigned char *)objs[0])[8] == 0x3c,
	   "free pointer kept outside a ctor object");
	rmm_cache_free(c, objs[0]);
	is_long(rmm_cache_destroy(c), 0, "destroy ctor cache");

	c = rmm_mm_cache_create(mm, "test-zero", 200, 0, 0, NULL);
	objs[0] = rmm_cache_alloc(c, RMM_GFP_KERNEL);
	memset(objs[0], 0xff, 200);
	rmm_cache_free(c, objs[0]);
	objs[0] = rmm_cache_alloc(c, RMM_GFP_KERNEL | RMM___GFP_ZERO);
	pat = true;
	for (i = 0; i < 200; i++)
		pat &= ((unsigned char *)objs[0])[i] == 0;
	ok(pat, "__GFP_ZERO clears the object");
	rmm_cache_free(c, objs[0]);
	rmm_cache_destroy(c);
}

/*
 * Slab geometry against SLUB's calculate_order() worked by hand for 4
 * CPUs (min_objects = 4 * (fls(4) + 1) = 16, slub_max_order 3, waste
 * 1/16, 1/8, ...).  These are /proc/slabinfo's objperslab and
 * pagesperslab of a 6.12 kernel for the kmalloc caches (2 CPUs give
 * min_objects 12 and the same values).  regionmm differs where its 48-byte
 * slab header has to take slots at the start of the slab
 * (Documentation/slab.rst): SLUB keeps no header in the slab.
 */
static void test_geometry(struct rmm_mm *mm)
{
	static const struct {
		const char *name;
		unsigned int size, order, slub_objs, objs;
	} t[] = {
		/* header 48 B: 6 slots of 8, 3 of 16, 2 of 32 (aligned 32) */
		{ "kmalloc-8", 8, 0, 512, 506 },
		{ "kmalloc-16", 16, 0, 256, 253 },
		{ "kmalloc-32", 32, 0, 128, 126 },
		{ "kmalloc-64", 64, 0, 64, 63 },
		/* 4096 - 42 * 96 = 64 B left: the header fits there */
		{ "kmalloc-96", 96, 0, 42, 42 },
		{ "kmalloc-128", 128, 0, 32, 31 },
		{ "kmalloc-192", 192, 0, 21, 21 },
		/* 256 B and more: the header is off-slab, SLUB's numbers */
		{ "kmalloc-256", 256, 0, 16, 16 },
		/* 16 * 512 = 8192: order 1 */
		{ "kmalloc-512", 512, 1, 16, 16 },
		{ "kmalloc-1k", 1024, 2, 16, 16 },
		{ "kmalloc-2k", 2048, 3, 16, 16 },
		/* max_objects = order_objects(3) = 8, 4 caps min_objects */
		{ "kmalloc-4k", 4096, 3, 8, 8 },
		{ "kmalloc-8k", 8192, 3, 4, 4 },
		/* 24: 4096 % 24 = 16 left, 48 B header at the start: 168 */
		{ NULL, 24, 0, 170, 168 },
		/* 100 -> 104: 39 fit, 40 B left: too small for the header */
		{ NULL, 100, 0, 39, 38 },
		/* 704 * 16 = 11264 -> order 2; 16384 % 704 = 192 <= 1024 */
		{ NULL, 700, 2, 23, 23 },
		/*
		 * 16 * 3000 needs order 4: min_objects 10 -> order 3,
		 * waste 2768 > 32768 / 16, <= 32768 / 8
		 */
		{ NULL, 3000, 3, 10, 10 },
	};
	struct rmm_slab_root *r = mm->slab;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		struct rmm_cache *c = NULL, *made = NULL;
		struct rmm_slabinfo si;
		struct rmm_slab_list *l;
		long before = buddy_free(mm);
		void *o;

		if (t[i].name) {
			for (l = r->caches.next; l != &r->caches; l = l->next)
				if (!strcmp(container_of(l, struct rmm_cache,
							 list)->name, t[i].name))
					c = container_of(l, struct rmm_cache, list);
		} else {
			c = made = rmm_mm_cache_create(mm, "test-geom", t[i].size,
						       0, 0, NULL);
		}
		if (!ok(c != NULL, "%s (%u B) exists", t[i].name ?: "cache",
			t[i].size))
			continue;
		rmm_cache_get_slabinfo(c, &si);
		ok(si.cache_order == t[i].order && si.objects_per_slab == t[i].objs,
		   "%u B: order %u, %u objects (SLUB %u): got order %u, %u",
		   t[i].size, t[i].order, t[i].objs, t[i].slub_objs,
		   si.cache_order, si.objects_per_slab);
		if (!made)
			continue;
		/* behaviour matches: one slab of that many objects, 2^order pages */
		o = rmm_cache_alloc(c, RMM_GFP_KERNEL);
		rmm_cache_get_slabinfo(c, &si);
		ok(o && si.num_slabs == 1 && si.num_objs == t[i].objs &&
		   before - buddy_free(mm) == 1L << t[i].order,
		   "  first allocation: 1 slab, %u objects, %u pages from the buddy",
		   t[i].objs, 1U << t[i].order);
		rmm_cache_free(c, o);
		is_long(rmm_cache_destroy(made), 0, "  destroy");
	}
}

static void test_align(struct rmm_mm *mm)
{
	static const struct { unsigned int size, align; unsigned long fl; } t[] = {
		{ 13, 0, 0 }, { 13, 8, 0 }, { 100, 16, 0 }, { 100, 64, 0 },
		{ 1000, 256, 0 }, { 3000, 4096, 0 }, { 24, 0, RMM_SLAB_HWCACHE_ALIGN },
		{ 100, 0, RMM_SLAB_HWCACHE_ALIGN }, { 5000, 0, 0 },
		{ 60, 32, RMM_SLAB_RED_ZONE | RMM_SLAB_POISON },
		{ 1, 0, 0 }, { 70000, 0, 0 },
	};
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		struct rmm_cache *c;
		void *objs[64];
		unsigned int want = t[i].align ? t[i].align : 8;
		bool al = true;

		if (t[i].fl & RMM_SLAB_HWCACHE_ALIGN)
			want = t[i].size > 32 ? 64 : 32;
		c = rmm_mm_cache_create(mm, "test-align", t[i].size,
					t[i].align, t[i].fl, NULL);
		if (!ok(c != NULL, "create size %u align %u", t[i].size,
			t[i].align))
			continue;
		for (j = 0; j < 64; j++) {
			objs[j] = rmm_cache_alloc(c, RMM_GFP_KERNEL);
			al &= objs[j] && !((uintptr_t)objs[j] & (want - 1));
			if (objs[j])
				memset(objs[j], 0x11, t[i].size);
		}
		ok(al, "size %u align %u flags %#lx: 64 objects %u-aligned",
		   t[i].size, t[i].align, t[i].fl, want);
		ok(no_overlap(objs, 64, t[i].size), "  and disjoint");
		is_long(rmm_cache_validate(c), 0, "  validate");
		for (j = 0; j < 64; j++)
			rmm_cache_free(c, objs[j]);
		is_long(rmm_cache_destroy(c), 0, "  destroy");
	}
}

static void test_kmalloc(struct rmm_mm *mm)
{
	static const struct { size_t size, cls; } t[] = {
		{ 1, 8 }, { 8, 8 }, { 9, 16 }, { 33, 64 }, { 65, 96 },
		{ 96, 96 }, { 97, 128 }, { 129, 192 }, { 192, 192 },
		{ 193, 256 }, { 1000, 1024 }, { 4097, 8192 }, { 8192, 8192 },
	};
	struct rmm_slab_root *r = mm->slab;
	static const char * const names[] = {
		"kmalloc-8", "kmalloc-16", "kmalloc-32", "kmalloc-64",
		"kmalloc-96", "kmalloc-128", "kmalloc-192", "kmalloc-256",
		"kmalloc-512", "kmalloc-1k", "kmalloc-2k", "kmalloc-4k",
		"kmalloc-8k",
	};
	unsigned int i, found = 0;
	struct rmm_slab_list *l;
	long before = free_pages(mm);
	void *big[4];
	size_t bigsz[4] = { 8193, 16384, 100000, 1 << 20 };

	for (l = r->caches.next; l != &r->caches; l = l->next) {
		struct rmm_cache *c = container_of(l, struct rmm_cache, list);

		for (i = 0; i < ARRAY_SIZE(names); i++)
			found += !strcmp(c->name, names[i]);
	}
	is_long(found, ARRAY_SIZE(names), "all 13 kmalloc caches exist by kernel name");

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		void *p = rmm_mm_kmalloc(mm, t[i].size, RMM_GFP_KERNEL);
		size_t nat = t[i].cls & (t[i].cls - 1) ? 8 : t[i].cls;

		if (nat > RMM_PAGE_SIZE)
			nat = RMM_PAGE_SIZE;
		ok(p && rmm_ksize(mm, p) == t[i].cls &&
		   !((uintptr_t)p & (nat - 1)),
		   "kmalloc(%zu) -> class %zu, aligned %zu", t[i].size,
		   t[i].cls, nat);
		if (p)
			memset(p, 0x5a, t[i].size);
		rmm_mm_kfree(mm, p);
	}
	for (i = 0; i < 4; i++) {
		big[i] = rmm_mm_kmalloc(mm, bigsz[i], RMM_GFP_KERNEL | RMM___GFP_ZERO);
		ok(big[i] && !((uintptr_t)big[i] & (RMM_PAGE_SIZE - 1)) &&
		   rmm_ksize(mm, big[i]) >= bigsz[i] &&
		   ((char *)big[i])[bigsz[i] - 1] == 0,
		   "kmalloc(%zu) from the buddy, page aligned, zeroed", bigsz[i]);
		memset(big[i], 0x77, bigsz[i]);
	}
	reset_reports();
	rmm_port_quiet = 1;
	rmm_mm_kfree(mm, (char *)big[1] + RMM_PAGE_SIZE);
	rmm_port_quiet = 0;
	ok(nr_reports == 1 && reported("not return"),
	   "kfree inside a large block is reported and refused");
	ok(rmm_node_page_state(&mm->nodes[0], RMM_NR_SLAB_UNRECLAIMABLE_B) >=
	   (long)((8192 + 16384 + 131072 + (1 << 20)) / RMM_PAGE_SIZE),
	   "large kmalloc counted in nr_slab_unreclaimable like kmalloc_large()");
	for (i = 0; i < 4; i++)
		rmm_mm_kfree(mm, big[i]);
	rmm_mm_kfree(mm, NULL);
	ok(rmm_mm_kmalloc(mm, 0, RMM_GFP_KERNEL) == NULL, "kmalloc(0) is NULL");
	ok(rmm_mm_kmalloc(mm, 64UL << 20, RMM_GFP_KERNEL) == NULL,
	   "kmalloc beyond the largest order fails");
	big[0] = rmm_mm_kmalloc(mm, 4UL << 20, RMM_GFP_KERNEL);
	ok(big[0] && rmm_ksize(mm, big[0]) == 4UL << 20,
	   "kmalloc(4 MiB): one order-10 (MAX_PAGE_ORDER) block");
	rmm_mm_kfree(mm, big[0]);
	rmm_slab_shrink_all(mm);
	is_long(free_pages(mm), before, "kmalloc: free pages back after shrink_all");
}

static void test_shrink_destroy(struct rmm_mm *mm)
{
	enum { N = 20000 };
	static void *objs[N];
	struct rmm_cache *c;
	struct rmm_slabinfo si;
	long before, during;
	int i, pages;

	before = free_pages(mm);
	c = rmm_mm_cache_create(mm, "test-shrink", 256, 0,
				RMM_SLAB_RECLAIM_ACCOUNT, NULL);
	for (i = 0; i < N; i++)
		objs[i] = rmm_cache_alloc(c, RMM_GFP_KERNEL);
	during = free_pages(mm);
	ok(before - during >= (long)(N * 256 / RMM_PAGE_SIZE),
	   "%d x 256 B took %ld pages from the buddy", N, before - during);
	/*
	 * 256-byte objects: 16 per order-0 slab (header off-slab), so 1250
	 * slabs for 20000 objects, up to 8 more for the CPU array (limit 120)
	 */
	ok(rmm_node_page_state(&mm->nodes[0], RMM_NR_SLAB_RECLAIMABLE_B) >= 1250 &&
	   rmm_node_page_state(&mm->nodes[0], RMM_NR_SLAB_RECLAIMABLE_B) <= 1258,
	   "RECLAIM_ACCOUNT slabs counted in nr_slab_reclaimable: %ld pages, 1250..1258 by hand",
	   rmm_node_page_state(&mm->nodes[0], RMM_NR_SLAB_RECLAIMABLE_B));
	{
		struct rmm_page *pg = rmm_mm_virt_to_page(mm, objs[0]);

		ok(pg && RmmPageSlab(rmm_compound_head(pg)),
		   "slab pages carry PG_slab");
	}

	reset_reports();
	rmm_port_quiet = 1;
	is_long(rmm_cache_destroy(c), -EBUSY, "destroy with live objects: -EBUSY");
	rmm_port_quiet = 0;
	ok(reported("test-shrink") && reported("20000 objects"),
	   "refusal names the cache and the count: \"%s\"", last_report);

	for (i = 0; i < N; i += 2)
		rmm_cache_free(c, objs[i]);
	pages = rmm_cache_shrink(c);
	is_long(rmm_cache_validate(c), 0, "validate after half freed + shrink");
	for (i = 1; i < N; i += 2)
		rmm_cache_free(c, objs[i]);
	rmm_cache_get_slabinfo(c, &si);
	ok(si.num_slabs > 0, "empty slabs kept (min_partial, per-CPU) before shrink: %lu",
	   si.num_slabs);
	pages += rmm_cache_shrink(c);
	rmm_cache_get_slabinfo(c, &si);
	is_long(si.num_slabs, 0, "shrink leaves no slab");
	ok(pages > 0, "shrink reported %d pages", pages);
	is_long(free_pages(mm), before, "free pages back to the value before");
	is_long(rmm_cache_validate(c), 0, "validate empty");
	is_long(rmm_cache_destroy(c), 0, "destroy after freeing");
	is_long(free_pages(mm), before, "free pages unchanged by destroy");
	is_long(rmm_node_page_state(&mm->nodes[0], RMM_NR_SLAB_RECLAIMABLE_B), 0,
		"nr_slab_reclaimable back to 0");
}

static void test_debug(struct rmm_mm *mm)
{
	struct rmm_cache *c, *d;
	unsigned char *o, *p, *q;
	bool good;
	int i;

	c = rmm_mm_cache_create(mm, "test-debug", 100, 0,
				RMM_SLAB_RED_ZONE | RMM_SLAB_POISON |
				RMM_SLAB_DEBUG, NULL);
	d = rmm_mm_cache_create(mm, "test-other", 100, 0, RMM_SLAB_DEBUG, NULL);
	ok(c && d, "debug caches created");
	o = rmm_cache_alloc(c, RMM_GFP_KERNEL);
	p = rmm_cache_alloc(c, RMM_GFP_KERNEL);
	ok(o[100] == 0xcc && o[-1] == 0xcc,
	   "allocated object: red zones 0xcc (SLUB_RED_ACTIVE)");
	good = true;
	for (i = 0; i < 99; i++)
		good &= o[i] == 0x6b;
	ok(good && o[99] == 0xa5,
	   "new object carries the free poison 0x6b...0xa5 like SLUB");
	memset(o, 0, 100);
	rmm_cache_free(c, o);
	good = true;
	for (i = 0; i < 99; i++)
		good &= o[i] == 0x6b;
	ok(good && o[99] == 0xa5 && o[100] == 0xbb,
	   "freed object: poison 0x6b, end 0xa5, red zone 0xbb");

	free_reported(c, o);
	ok(nr_reports == 1 && reported("Double free") &&
	   reported("test-debug") && reported("offset"),
	   "double free reported: \"%s\"", last_report);
	is_long(rmm_cache_validate(c), 0, "cache intact after refused double free");

	free_reported(d, p);
	ok(nr_reports == 1 && reported("Wrong cache") &&
	   reported("test-debug") && reported("test-other"),
	   "wrong-cache free reported: \"%s\"", last_report);
	ok(p[100] == 0xcc, "object untouched by the refused free");

	free_reported(c, p + 8);
	ok(nr_reports == 1 && reported("not an object start"),
	   "interior pointer free reported: \"%s\"", last_report);

	free_reported(c, (void *)&nr_reports);
	ok(nr_reports == 1 && reported("not a slab object"),
	   "free of foreign memory reported: \"%s\"", last_report);

	p[100] = 0x42;	/* one byte past the end */
	free_reported(c, p);
	ok(nr_reports == 2 && strstr(last_report, "not freed"),
	   "right red zone overwrite reported, object quarantined");
	is_long(rmm_cache_validate(c), 0, "validate after quarantine");

	q = rmm_cache_alloc(c, RMM_GFP_KERNEL);
	q[-3] = 0;
	free_reported(c, q);
	ok(nr_reports == 2, "left red zone overwrite reported");

	/* use after free: write into a freed object, detected on alloc */
	{
		void *xs[200];
		int nx = 0;

		q = rmm_cache_alloc(c, RMM_GFP_KERNEL);
		rmm_cache_free(c, q);
		q[10] = 0x99;
		reset_reports();
		rmm_port_quiet = 1;
		while (nx < 200 && !nr_reports) {
			xs[nx] = rmm_cache_alloc(c, RMM_GFP_KERNEL);
			if (xs[nx++] == q)
				break;
		}
		rmm_port_quiet = 0;
		ok(nr_reports >= 1 && reported("Poison overwritten"),
		   "use-after-free write reported at reallocation: \"%s\"",
		   last_report);
		reset_reports();
		rmm_port_quiet = 1;
		is_long(rmm_cache_destroy(c), -EBUSY, "live objects keep the cache");
		rmm_port_quiet = 0;
		while (nx)
			rmm_cache_free(c, xs[--nx]);
	}
	is_long(nr_reports, 1, "no report from good frees");
	is_long(rmm_cache_validate(c), 0, "validate debug cache");
	rmm_cache_free(d, rmm_cache_alloc(d, RMM_GFP_KERNEL));
	is_long(rmm_cache_destroy(d), 0, "destroy the other cache");
	rmm_port_quiet = 1;
	is_long(rmm_cache_destroy(c), 0,
		"destroy releases the 2 quarantined objects");
	rmm_port_quiet = 0;
}

/*
 * slab_debug= is an instance setting (rmm_slab_params.debug_flags): a
 * second instance set up with FZP gets checks on every cache, its kmalloc
 * caches included, while the first instance's caches stay unchecked.
 */
static void test_debug_default(struct rmm_mm *mm)
{
	static struct rmm_mm dbg;
	struct rmm_slab_params p = { .report = capture };
	unsigned long fl = 0;
	struct rmm_cache *c, *plain;
	void *o;

	is_long(rmm_slab_parse_debug("FZP", &fl), 0, "slab_debug=FZP parses");
	ok(fl == (RMM_SLAB_DEBUG | RMM_SLAB_RED_ZONE | RMM_SLAB_POISON),
	   "FZP -> consistency, red zone, poison");
	is_long(rmm_slab_parse_debug("X", &fl), -EINVAL, "slab_debug=X rejected");
	is_long(rmm_slab_parse_debug("", &fl), 0, "empty slab_debug = all");
	p.debug_flags = fl;
	if (!ok(!rmm_test_mm_simple(&dbg, 1, 4096, 0x900000),
		"second instance for slab_debug"))
		return;
	is_long(rmm_slab_init(&dbg, &p), 0, "slab init with debug flags");
	ok(rmm_cache_flags(dbg.slab->kmalloc[5]) & RMM_SLAB_RED_ZONE,
	   "debug flags reach the kmalloc caches (%s)",
	   rmm_cache_name(dbg.slab->kmalloc[5]));
	ok(!(rmm_cache_flags(mm->slab->kmalloc[5]) & RMM_SLAB_RED_ZONE),
	   "not those of the other instance");
	c = rmm_mm_cache_create(&dbg, "test-dflt", 32, 0, 0, NULL);
	plain = rmm_mm_cache_create(mm, "test-nodflt", 32, 0, 0, NULL);
	ok(c && (rmm_cache_flags(c) & RMM_SLAB_RED_ZONE),
	   "debug flags apply to new caches of the instance");
	ok(plain && !(rmm_cache_flags(plain) & RMM_SLAB_DEBUG_FLAGS),
	   "not to new caches of the other instance");
	o = rmm_cache_alloc(c, RMM_GFP_KERNEL);
	rmm_cache_free(c, o);
	free_reported(c, o);
	ok(reported("Double free"), "double free caught via the instance flags");
	o = rmm_mm_kmalloc(&dbg, 20, RMM_GFP_KERNEL);
	((char *)o)[32] = 0x11;		/* one byte past kmalloc-32's object */
	reset_reports();
	rmm_port_quiet = 1;
	rmm_mm_kfree(&dbg, o);
	rmm_port_quiet = 0;
	/* the red zone report, then the refusal: the last one captured */
	ok(nr_reports == 2 && reported("quarantined"),
	   "kmalloc red zone checked on that instance (%d reports)",
	   nr_reports);
	is_long(rmm_cache_destroy(c), 0, "destroy");
	is_long(rmm_cache_destroy(plain), 0, "destroy the plain cache");
	rmm_port_quiet = 1;
	is_long(rmm_slab_fini(&dbg), 0, "slab fini of the debug instance");
	rmm_port_quiet = 0;
	is_long(rmm_mm_fini(&dbg), 0, "fini of the debug instance");
}

static void test_bad_args(struct rmm_mm *mm)
{
	rmm_port_quiet = 1;
	ok(!rmm_mm_cache_create(mm, "has space", 8, 0, 0, NULL), "name with space refused");
	ok(!rmm_mm_cache_create(mm, "", 8, 0, 0, NULL), "empty name refused");
	ok(!rmm_mm_cache_create(mm, "0123456789012345678901234567890123", 8, 0, 0, NULL),
	   "name of 34 bytes refused");
	ok(!rmm_mm_cache_create(mm, "x", 0, 0, 0, NULL), "size 0 refused");
	ok(!rmm_mm_cache_create(mm, "x", 8, 3, 0, NULL), "align 3 refused");
	ok(!rmm_mm_cache_create(mm, "x", 8, 8192, 0, NULL), "align 8192 refused");
	ok(!rmm_mm_cache_create(mm, "x", 8, 0, 1UL << 30, NULL), "unknown flag refused");
	ok(!rmm_mm_cache_create(mm, "x", 64U << 20, 0, 0, NULL), "64 MiB objects refused");
	rmm_port_quiet = 0;
}

/* ---- multi-threaded stress: 4 threads on 4 CPU slots, cross frees ---- */

#define MT_THREADS	4
#define MT_OPS		200000
#define MT_RING		1024

static struct rmm_cache *mt_cache;
static pthread_mutex_t ring_lock = PTHREAD_MUTEX_INITIALIZER;
static void *ring[MT_RING];
static int ring_n;
static atomic_int mt_bad;

static void *mt_worker(void *arg)
{
	int id = (int)(uintptr_t)arg, i, held = 0;
	void *mine[256];
	unsigned int seed = 1234 + id;

	rmm_port_set_cpu(id % 4);
	for (i = 0; i < MT_OPS; i++) {
		unsigned int r = rand_r(&seed);
		void *o;

		if ((r & 3) == 0 && held < 256) {
			o = rmm_cache_alloc(mt_cache, RMM_GFP_KERNEL);
			if (!o) {
				atomic_fetch_add(&mt_bad, 1);
				continue;
			}
			memset(o, id + 1, 48);
			mine[held++] = o;
		} else if ((r & 3) == 1 && held) {
			o = mine[--held];
			if (((unsigned char *)o)[0] != id + 1 ||
			    ((unsigned char *)o)[47] != id + 1)
				atomic_fetch_add(&mt_bad, 1);
			/* hand it to another thread half of the time */
			pthread_mutex_lock(&ring_lock);
			if (ring_n < MT_RING && (r & 4)) {
				memset(o, 0xee, 48);
				ring[ring_n++] = o;
				o = NULL;
			}
			pthread_mutex_unlock(&ring_lock);
			if (o)
				rmm_cache_free(mt_cache, o);
		} else {
			pthread_mutex_lock(&ring_lock);
			o = ring_n ? ring[--ring_n] : NULL;
			pthread_mutex_unlock(&ring_lock);
			if (o) {
				if (((unsigned char *)o)[5] != 0xee)
					atomic_fetch_add(&mt_bad, 1);
				rmm_cache_free(mt_cache, o);
			}
		}
		if ((i & 4095) == 0)
			rmm_cache_shrink(mt_cache);
	}
	while (held)
		rmm_cache_free(mt_cache, mine[--held]);
	return NULL;
}

static void test_mt(struct rmm_mm *mm)
{
	pthread_t th[MT_THREADS];
	long before = free_pages(mm);
	int i;

	mt_cache = rmm_mm_cache_create(mm, "test-mt", 48, 0, 0, NULL);
	for (i = 0; i < MT_THREADS; i++)
		pthread_create(&th[i], NULL, mt_worker, (void *)(uintptr_t)i);
	for (i = 0; i < MT_THREADS; i++)
		pthread_join(th[i], NULL);
	while (ring_n)
		rmm_cache_free(mt_cache, ring[--ring_n]);
	is_long(atomic_load(&mt_bad), 0, "%d threads x %d ops: no corruption, no failure",
		MT_THREADS, MT_OPS);
	is_long(rmm_cache_validate(mt_cache), 0, "validate after the stress");
	is_long(rmm_cache_destroy(mt_cache), 0, "destroy after the stress");
	is_long(free_pages(mm), before, "all pages back");
}

int main(void)
{
	static struct rmm_mm mm;
	long before;
	struct rmm_cache *c;

	struct rmm_slab_params p = { .report = capture };

	if (rmm_test_mm_simple(&mm, 1, NODE_PAGES, 0x100000)) {
		printf("1..0 # SKIP instance init failed\n");
		return 1;
	}
	before = free_pages(&mm);
	is_long(rmm_slab_init(&mm, &p), 0, "rmm_slab_init");
	is_long(rmm_slab_init(&mm, &p), -EEXIST, "second init refused");

	test_basic(&mm);
	test_geometry(&mm);
	test_align(&mm);
	test_kmalloc(&mm);
	test_shrink_destroy(&mm);
	test_debug(&mm);
	test_debug_default(&mm);
	test_bad_args(&mm);
	test_mt(&mm);

	{
		struct rmm_slabinfo si;
		void *o[10];
		int i;

		c = rmm_mm_cache_create(&mm, "test-hotplug", 32, 0, 0, NULL);
		rmm_port_set_cpu(2);
		for (i = 0; i < 10; i++)
			o[i] = rmm_cache_alloc(c, RMM_GFP_KERNEL);
		for (i = 0; i < 10; i++)
			rmm_cache_free(c, o[i]);
		rmm_port_set_cpu(0);
		rmm_cache_get_slabinfo(c, &si);
		ok(si.active_objs > 0, "objects cached in CPU 2's array count as active (%lu)",
		   si.active_objs);
		rmm_slab_cpu_dead(&mm, 2);
		rmm_cache_get_slabinfo(c, &si);
		is_long(si.active_objs, 0, "rmm_slab_cpu_dead flushes the dead CPU's arrays");
		is_long(rmm_slab_validate_all(&mm), 0,
			"validate without the per-CPU arrays");
		is_long(rmm_cache_destroy(c), 0, "destroy");
	}

	c = rmm_mm_cache_create(&mm, "test-left", 8, 0, 0, NULL);
	rmm_port_quiet = 1;
	is_long(rmm_slab_fini(&mm), -EBUSY, "fini refused while a cache exists");
	rmm_port_quiet = 0;
	rmm_cache_destroy(c);
	is_long(rmm_mm_slab_validate(&mm), 0, "every cache validates");
	is_long(rmm_slab_fini(&mm), 0, "rmm_slab_fini");
	is_long(free_pages(&mm), before, "instance free pages as before slab init");
	is_long(rmm_mm_fini(&mm), 0, "rmm_mm_fini: no page leaked");
	return done_testing();
}
