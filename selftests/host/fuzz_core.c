// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_core.c - random sequences of alloc (any order, gfp, node, zone
 * limit), free, local/remote drain, CPU switch and tunable changes (valid
 * and invalid) on a 2-node instance with DMA, DMA32, Normal and Movable
 * zones; the validator runs after every step, and at the end every page
 * must come back.
 *
 *   fuzz_core               deterministic seed, short run (TAP)
 *   FUZZ_ITERS=1000000 FUZZ_SEED=7 fuzz_core     long run
 *   make fuzz-libfuzzer     clang libFuzzer build: the input bytes are
 *                           the operation stream
 */
#include "rmm_test.h"

#define MAX_HELD 512

static struct rmm_mm mm;
static struct rmm_page *held[MAX_HELD];
static unsigned int held_order[MAX_HELD];
static const u8 *in_data;
static size_t in_len, in_pos;
static u64 seed;

static u64 next(void)
{
	if (in_data) {
		u64 v = 0;
		int i;

		for (i = 0; i < 4; i++)
			v = (v << 8) | (in_pos < in_len ? in_data[in_pos++] : 0);
		return v;
	}
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

static void setup(void)
{
	struct rmm_layout l;
	struct rmm_range r[2];
	static void *mem0, *mem1;	/* reused across libFuzzer runs */

	rmm_port_set_nr_cpus(3);
	rmm_layout_default(&l, 2, 3);
	l.movable_pages = 2048;
	r[0] = (struct rmm_range){ 0x800, 4096, 0, NULL };	/* DMA + DMA32 */
	r[1] = (struct rmm_range){ 0x100000, 4096, 1, NULL };	/* Normal */
	if (!mem0) {
		mem0 = rmm_test_mem(16UL << 20);
		mem1 = rmm_test_mem(16UL << 20);
	}
	r[0].vaddr = mem0;
	r[1].vaddr = mem1;
	if (rmm_mm_init(&mm, &l, r, 2)) {
		printf("Bail out! init failed\n");
		exit(1);
	}
}

static const rmm_gfp_t gfps[] = {
	RMM_GFP_KERNEL, RMM_GFP_ATOMIC, RMM_GFP_NOWAIT, RMM_GFP_HIGHUSER_MOVABLE,
	RMM_GFP_KERNEL | RMM___GFP_RECLAIMABLE, RMM_GFP_DMA32, RMM_GFP_DMA,
	RMM_GFP_KERNEL | RMM___GFP_THISNODE, RMM_GFP_KERNEL | RMM___GFP_COMP,
	RMM_GFP_ATOMIC | RMM___GFP_ZERO, RMM_GFP_TRANSHUGE_LIGHT,
};

/* one operation; returns validator result */
static int step(void)
{
	u64 v = next();
	unsigned int op = v % 100, slot = (v >> 8) % MAX_HELD;

	if (op < 55) {				/* alloc */
		static const unsigned int orders[] = { 0, 0, 0, 0, 1, 2, 3, 4, 9, 10 };
		unsigned int order = orders[(v >> 20) % 10];
		rmm_gfp_t gfp = gfps[(v >> 24) % ARRAY_SIZE(gfps)] | RMM___GFP_NOWARN;
		int nid = (int)((v >> 28) % 3) - 1;
		int limit = (v >> 30) % 7 == 0 ? (int)((v >> 33) % 4) : -1;

		if (held[slot])
			return 0;
		held[slot] = rmm_mm_alloc_pages_limit(&mm, nid, order, gfp, limit);
		held_order[slot] = order;
		if (held[slot] && (gfp & RMM___GFP_ZERO)) {
			const char *p = rmm_mm_page_address(&mm, held[slot]);
			unsigned long i;

			for (i = 0; i < (RMM_PAGE_SIZE << order); i += 997)
				if (p[i])
					return -1;
		}
		if (held[slot])		/* dirty the page like a user would */
			memset(rmm_mm_page_address(&mm, held[slot]), 0xa5, 64);
	} else if (op < 90) {			/* free */
		if (held[slot]) {
			rmm_mm_free_pages(&mm, held[slot], held_order[slot]);
			held[slot] = NULL;
		}
	} else if (op < 93) {
		rmm_drain_local_pages(&mm);
	} else if (op < 95) {
		rmm_drain_all_pages(&mm);
	} else if (op < 97) {
		rmm_port_set_cpu((v >> 16) % 3);
	} else {				/* tunables, some invalid */
		long vals[5];
		enum rmm_tunable t = (v >> 16) % RMM_NR_TUNABLES;
		int i;

		for (i = 0; i < 5; i++)
			vals[i] = (long)((v >> (20 + 7 * i)) % 4000) - 50;
		if (t == RMM_TUNE_MIN_FREE_KBYTES && vals[0] > 2000)
			vals[0] = -1;
		rmm_port_quiet = 1;
		rmm_set_tunable(&mm, t, vals, t == RMM_TUNE_LOWMEM_RESERVE_RATIO ?
				1 + (int)((v >> 40) % 5) : 1);
		rmm_port_quiet = 0;
	}
	return rmm_validate_mm(&mm);
}

static int teardown(void)
{
	int i;

	for (i = 0; i < MAX_HELD; i++)
		if (held[i]) {
			rmm_mm_free_pages(&mm, held[i], held_order[i]);
			held[i] = NULL;
		}
	rmm_port_set_cpu(0);
	return rmm_mm_fini(&mm);
}

#ifdef RMM_LIBFUZZER
int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	setup();
	in_data = data;
	in_len = size;
	in_pos = 0;
	while (in_pos < in_len)
		if (step())
			abort();
	if (teardown())
		abort();
	return 0;
}
#else
int main(void)
{
	const char *e = getenv("FUZZ_ITERS");
	unsigned long iters = e ? strtoul(e, NULL, 0) : 20000, i;
	int bad = 0;

	e = getenv("FUZZ_SEED");
	seed = e ? strtoull(e, NULL, 0) : 0x5eed;
	if (!seed)
		seed = 1;
	setup();
	for (i = 0; i < iters && !bad; i++)
		if (step()) {
			bad = 1;
			diag("validator failed at step %lu (seed %#llx)", i,
			     (unsigned long long)(e ? strtoull(e, NULL, 0) : 0x5eed));
		}
	ok(!bad, "%lu random steps with the validator after each", i);
	is_long(teardown(), 0, "every page came back, teardown succeeded");
	expect_warnings(0, "no WARN hit");
	return done_testing();
}
#endif
