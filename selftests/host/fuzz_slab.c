// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_slab.c - random create/alloc/free/shrink/destroy/kmalloc sequences
 * against the slab allocator with every invariant checked (TAP).
 *
 * Deterministic: seed from FUZZ_SEED (default 1); FUZZ_ITERS operations
 * (default 20000, short enough for `make run`).  Each live object carries a
 * pattern derived from its id, checked when it is freed; every 1024 steps
 * (and at the end) rmm_mm_slab_validate() and the buddy's free-page count
 * are checked; at the end everything is freed and the instance must give
 * back every page.  Built with -DRMM_LIBFUZZER it is a libFuzzer target
 * whose input bytes drive the same operations.
 */
#include "rmm_test.h"
#include "slab.h"

#define MAX_CACHES	8
#define MAX_OBJS	4096

struct fobj {
	void *p;
	size_t size;
	int cache;		/* -1: kmalloc */
	unsigned int id;
};

static struct rmm_mm fmm;
static struct rmm_cache *caches[MAX_CACHES];
static unsigned int csize[MAX_CACHES];
static struct fobj objs[MAX_OBJS];
static int nobjs;
static unsigned int next_id;
static int failures;
static long base_free;

static const unsigned char *in_data;
static size_t in_len, in_pos;
static unsigned long long rng = 1;

static unsigned int rnd(void)
{
	if (in_data) {
		unsigned int v = 0;
		int i;

		for (i = 0; i < 4; i++)
			v = v << 8 | (in_pos < in_len ? in_data[in_pos++] : 0);
		return v;
	}
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned int)(rng >> 33);
}

static void fail(const char *what, unsigned long a)
{
	failures++;
	printf("# FAIL: %s (%lu)\n", what, a);
}

static unsigned char pat(unsigned int id, size_t i)
{
	return (unsigned char)(id * 31 + i * 7);
}

static void fill(struct fobj *o)
{
	size_t i, n = o->size < 64 ? o->size : 64;

	for (i = 0; i < n; i++)
		((unsigned char *)o->p)[i] = pat(o->id, i);
	((unsigned char *)o->p)[o->size - 1] = pat(o->id, 999);
}

static void check(struct fobj *o)
{
	size_t i, n = o->size < 64 ? o->size : 64;

	for (i = 0; i + 1 < n; i++)
		if (((unsigned char *)o->p)[i] != pat(o->id, i)) {
			fail("object content changed", o->id);
			return;
		}
	if (((unsigned char *)o->p)[o->size - 1] != pat(o->id, 999))
		fail("object last byte changed", o->id);
}

static long total_free(void)
{
	long sum = 0;
	int n, z;

	rmm_slab_shrink_all(&fmm);
	rmm_drain_all_pages(&fmm);
	for (n = 0; n < fmm.nr_nodes; n++)
		for (z = 0; z < RMM_MAX_NR_ZONES; z++)
			sum += rmm_zone_page_state(&fmm.nodes[n].node_zones[z],
						   RMM_NR_FREE_PAGES);
	return sum;
}

static void free_obj(int k)
{
	struct fobj *o = &objs[k];

	check(o);
	if (o->cache >= 0)
		rmm_cache_free(caches[o->cache], o->p);
	else
		rmm_mm_kfree(&fmm, o->p);
	objs[k] = objs[--nobjs];
}

static void op(void)
{
	unsigned int r = rnd(), k;
	int c = (int)(rnd() % MAX_CACHES);

	switch (r % 16) {
	case 0:		/* create */
		if (!caches[c]) {
			static const unsigned long fl[] = {
				0, RMM_SLAB_HWCACHE_ALIGN, RMM_SLAB_RED_ZONE |
				RMM_SLAB_POISON | RMM_SLAB_DEBUG,
				RMM_SLAB_RECLAIM_ACCOUNT, RMM_SLAB_POISON,
			};
			unsigned int sz = 1 + rnd() % (r & 0x100 ? 9000 : 512);
			unsigned int al = (r & 0x200) ? 1U << (rnd() % 8) : 0;

			caches[c] = rmm_mm_cache_create(&fmm, "fuzz", sz, al,
							fl[rnd() % 5], NULL);
			if (!caches[c])
				fail("create", sz);
			csize[c] = sz;
		}
		break;
	case 1:		/* destroy: refused while objects live */
		if (caches[c]) {
			int live = 0, ret;

			for (k = 0; k < (unsigned int)nobjs; k++)
				live += objs[k].cache == c;
			rmm_port_quiet = 1;
			ret = rmm_cache_destroy(caches[c]);
			rmm_port_quiet = 0;
			if (live && ret != -EBUSY)
				fail("destroy with live objects not refused", live);
			if (!live && ret)
				fail("destroy of an empty cache failed", c);
			if (!ret)
				caches[c] = NULL;
		}
		break;
	case 2:		/* shrink */
		if (caches[c])
			rmm_cache_shrink(caches[c]);
		break;
	case 3: case 4: case 5: case 6: case 7:	/* alloc */
		if (nobjs < MAX_OBJS) {
			struct fobj *o = &objs[nobjs];
			bool km = !caches[c] || (r & 0x1000);

			o->size = km ? 1 + rnd() % ((r & 0x2000) ? 40000 : 2048) :
				csize[c];
			o->cache = km ? -1 : c;
			o->p = km ? rmm_mm_kmalloc(&fmm, o->size, RMM_GFP_KERNEL) :
				rmm_cache_alloc(caches[c], RMM_GFP_KERNEL);
			if (!o->p) {
				fail("alloc", o->size);
				break;
			}
			if (km && rmm_ksize(&fmm, o->p) < o->size)
				fail("ksize below the request", o->size);
			o->id = next_id++;
			fill(o);
			nobjs++;
		}
		break;
	case 8:		/* move to another CPU slot */
		rmm_port_set_cpu(rnd() % 4);
		break;
	default:	/* free */
		if (nobjs)
			free_obj(rnd() % nobjs);
		break;
	}
}

static void validate(void)
{
	if (rmm_mm_slab_validate(&fmm))
		fail("slab validate", 0);
}

static void setup(void)
{
	if (rmm_test_mm_simple(&fmm, 2, 16384, 0x200000) ||
	    rmm_slab_init(&fmm, NULL)) {
		printf("# instance setup failed\n");
		exit(1);
	}
	base_free = total_free();
}

static void teardown(void)
{
	int c;

	while (nobjs)
		free_obj(nobjs - 1);
	for (c = 0; c < MAX_CACHES; c++)
		if (caches[c] && rmm_cache_destroy(caches[c]))
			fail("final destroy", c);
		else
			caches[c] = NULL;
	validate();
	rmm_slab_shrink_all(&fmm);
}

#ifdef RMM_LIBFUZZER
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len)
{
	static bool init;

	if (!init) {
		setup();
		init = true;
	}
	in_data = data;
	in_len = len;
	in_pos = 0;
	while (in_pos < in_len)
		op();
	teardown();
	if (failures || total_free() != base_free)
		abort();
	return 0;
}
#else
int main(void)
{
	const char *s = getenv("FUZZ_ITERS"), *sd = getenv("FUZZ_SEED");
	long iters = s ? atol(s) : 20000, i;

	rng = sd ? strtoull(sd, NULL, 0) : 1;
	plan(4);
	diag("seed %llu, %ld operations", rng, iters);
	setup();
	for (i = 0; i < iters; i++) {
		op();
		if ((i & 1023) == 1023)
			validate();
	}
	ok(failures == 0, "%ld random operations, invariants held (%d failures)",
	   iters, failures);
	teardown();
	ok(failures == 0, "everything freed and destroyed cleanly");
	is_long(total_free(), base_free, "every page back in the buddy");
	is_long(rmm_slab_fini(&fmm) || rmm_mm_fini(&fmm), 0,
		"slab and instance teardown");
	return done_testing();
}
#endif
