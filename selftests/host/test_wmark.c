// SPDX-License-Identifier: GPL-2.0
/*
 * test_wmark.c - watermark, lowmem_reserve, totalreserve, min_free_kbytes
 * and pcp high/batch arithmetic against numbers worked out by hand from
 * the kernel's formulas (mm/page_alloc.c of 6.1 and 6.12), and tunable
 * validation/recomputation on a live instance.
 *
 * Worked example 1 (6.12): one node, 4 GiB in ZONE_NORMAL, 1048576 managed
 *   calculate_min_free_kbytes: lowmem_kbytes = 1048576 * 4 = 4194304,
 *     int_sqrt(4194304 * 16) = 8192 -> min_free_kbytes = 8192
 *   pages_min = 8192 >> 2 = 2048; lowmem_pages = 1048576
 *   min = 2048 * 1048576 / 1048576 = 2048
 *   tmp = max(2048 >> 2 = 512, mult_frac(1048576, 10, 10000) =
 *         104 * 10 + 8576 * 10 / 10000 = 1048) = 1048
 *   low = 3096, high = 4144, promo = 5192
 *   empty Movable zone (6.12): min = clamp(0 / 1024, 32, 128) = 32 and
 *     low = high = promo = 32; totalreserve = 4144 (high of Normal)
 */
#include "rmm_test.h"

static struct rmm_wmark_in in;
static struct rmm_wmark_out out;

static void set_in(unsigned int kver, unsigned long dma, unsigned long dma32,
		   unsigned long normal, unsigned long movable)
{
	static const int ratio[5] = { 256, 256, 32, 0, 0 };

	memset(&in, 0, sizeof(in));
	in.kver = kver;
	in.nr_nodes = 1;
	in.nr_zones = 5;
	in.zone_movable = 3;
	in.managed[0][0] = dma;
	in.managed[0][1] = dma32;
	in.managed[0][2] = normal;
	in.managed[0][3] = movable;
	in.min_free_kbytes = -1;
	in.watermark_scale_factor = 10;
	memcpy(in.lowmem_reserve_ratio, ratio, sizeof(ratio));
}

static void check_wm(int z, unsigned long mn, unsigned long lo,
		     unsigned long hi, unsigned long pr, const char *what)
{
	unsigned long *w = out.wmark[0][z];

	ok(w[0] == mn && w[1] == lo && w[2] == hi && w[3] == pr,
	   "%s: min/low/high/promo %lu/%lu/%lu/%lu", what, w[0], w[1], w[2], w[3]);
	if (!(w[0] == mn && w[1] == lo && w[2] == hi && w[3] == pr))
		diag("expected %lu/%lu/%lu/%lu", mn, lo, hi, pr);
}

static void test_pure(void)
{
	/* example 1 */
	set_in(RMM_KVER(6, 12), 0, 0, 1048576, 0);
	rmm_calc_wmarks(&in, &out);
	is_long(out.min_free_kbytes, 8192, "4 GiB: min_free_kbytes 8192");
	check_wm(2, 2048, 3096, 4144, 5192, "4 GiB Normal");
	check_wm(3, 32, 32, 32, 32, "empty Movable on 6.12");
	check_wm(0, 0, 0, 0, 0, "empty DMA");
	is_long(out.totalreserve_pages, 4144, "4 GiB totalreserve");

	/*
	 * example 2 (6.12): DMA 3840, DMA32 700000, Normal 3407872 managed
	 *   lowmem 4111712 pages = 16446848 kB; int_sqrt(16446848*16) = 16221
	 *   pages_min 4055; DMA min 4055*3840/4111712 = 3, tmp = max(0, 3) = 3
	 *   DMA32 min 690, tmp = max(172, 700) = 700; Normal min 3360,
	 *   tmp = max(840, 3407) = 3407
	 *   protection DMA: 700000/256 = 2734, 4107872/256 = 16046 (x3)
	 *   DMA32: 3407872/256 = 13312 (x3); Normal: 0/32 = 0
	 */
	set_in(RMM_KVER(6, 12), 3840, 700000, 3407872, 0);
	rmm_calc_wmarks(&in, &out);
	is_long(out.min_free_kbytes, 16221, "3 zones: min_free_kbytes 16221");
	check_wm(0, 3, 6, 9, 12, "DMA");
	check_wm(1, 690, 1390, 2090, 2790, "DMA32");
	check_wm(2, 3360, 6767, 10174, 13581, "Normal");
	ok(out.lowmem_reserve[0][0][0] == 0 && out.lowmem_reserve[0][0][1] == 2734 &&
	   out.lowmem_reserve[0][0][2] == 16046 && out.lowmem_reserve[0][0][3] == 16046 &&
	   out.lowmem_reserve[0][0][4] == 16046, "DMA protection (0, 2734, 16046, 16046, 16046)");
	ok(out.lowmem_reserve[0][1][2] == 13312 && out.lowmem_reserve[0][1][4] == 13312 &&
	   out.lowmem_reserve[0][1][1] == 0, "DMA32 protection (0, 0, 13312, 13312, 13312)");
	ok(out.lowmem_reserve[0][2][3] == 0 && out.lowmem_reserve[0][2][4] == 0,
	   "Normal protection all 0");
	is_long(out.totalreserve_pages, 29416, "3 zones totalreserve");

	/*
	 * example 3: DMA32 500000, Normal 300000, Movable 200000
	 *   buffer pages (<= Normal) 800000 -> int_sqrt(800000*4*16) = 7155
	 *   pages_min 1788
	 *   6.12: lowmem 800000; DMA32 min 1117, Normal 670, Movable
	 *         clamp(195, 32, 128) = 128 with tmp max(83, 200) = 200
	 *   6.1:  lowmem 1000000 (Movable is lowmem on 64-bit); DMA32 894,
	 *         Normal 536, Movable 357 (tmp max(89, 200) = 200)
	 */
	set_in(RMM_KVER(6, 12), 0, 500000, 300000, 200000);
	rmm_calc_wmarks(&in, &out);
	is_long(out.min_free_kbytes, 7155, "movable: min_free_kbytes 7155");
	check_wm(1, 1117, 1617, 2117, 2617, "6.12 DMA32");
	check_wm(2, 670, 970, 1270, 1570, "6.12 Normal");
	check_wm(3, 128, 328, 528, 728, "6.12 Movable capped like highmem");
	is_long(out.totalreserve_pages, 12118, "6.12 totalreserve");
	ok(out.lowmem_reserve[0][1][2] == 1171 && out.lowmem_reserve[0][1][3] == 1953 &&
	   out.lowmem_reserve[0][2][3] == 6250, "protection with Movable");
	in.kver = RMM_KVER(6, 1);
	rmm_calc_wmarks(&in, &out);
	check_wm(1, 894, 1394, 1894, 2394, "6.1 DMA32");
	check_wm(2, 536, 836, 1136, 1436, "6.1 Normal");
	check_wm(3, 357, 557, 757, 957, "6.1 Movable as lowmem");
	is_long(out.totalreserve_pages, 11990, "6.1 totalreserve");

	/*
	 * A real kernel: /proc/zoneinfo of this project's build host (x86_64,
	 * 6.x with the 6.12 formulas, 2 CPUs, THP raised min_free_kbytes to
	 * 67584, watermark_scale_factor 10, lowmem_reserve_ratio 256 256 32 0 0)
	 *   DMA    managed    3840: min 23    low 28    high 33    promo 38
	 *   DMA32  managed  772808: min 4760  low 5950  high 7140  promo 8330
	 *   Normal managed 1966080: min 12111 low 15138 high 18165 promo 21192
	 *   Movable (empty): min 32 low 32 high 32 promo 32
	 *   protection DMA (0, 3018, 10698, 10698, 10698),
	 *              DMA32 (0, 0, 7680, 7680, 7680)
	 */
	set_in(RMM_KVER(6, 12), 3840, 772808, 1966080, 0);
	in.min_free_kbytes = 67584;
	rmm_calc_wmarks(&in, &out);
	check_wm(0, 23, 28, 33, 38, "real host: DMA");
	check_wm(1, 4760, 5950, 7140, 8330, "real host: DMA32");
	check_wm(2, 12111, 15138, 18165, 21192, "real host: Normal");
	check_wm(3, 32, 32, 32, 32, "real host: empty Movable");
	ok(out.lowmem_reserve[0][0][1] == 3018 && out.lowmem_reserve[0][0][2] == 10698 &&
	   out.lowmem_reserve[0][0][4] == 10698 && out.lowmem_reserve[0][1][2] == 7680 &&
	   out.lowmem_reserve[0][1][4] == 7680 && out.lowmem_reserve[0][2][3] == 0,
	   "real host: protection (0, 3018, 10698, 10698, 10698) (0, 0, 7680, 7680, 7680)");

	{
		/* same host, its pagesets (2 CPUs on node 0) */
		int b, lo, hi;

		rmm_calc_pcp(RMM_KVER(6, 12), 3840, 28, 2, 0, &b, &lo, &hi);
		ok(b == 1 && lo == 14 && hi == 240,
		   "real host DMA pcp: batch 1 high_min 14 high_max 240 (%d %d %d)", b, lo, hi);
		rmm_calc_pcp(RMM_KVER(6, 12), 772808, 5950, 2, 0, &b, &lo, &hi);
		ok(b == 63 && lo == 2975 && hi == 48300,
		   "real host DMA32 pcp: batch 63 high_min 2975 high_max 48300 (%d %d %d)", b, lo, hi);
		rmm_calc_pcp(RMM_KVER(6, 12), 1966080, 15138, 2, 0, &b, &lo, &hi);
		ok(b == 63 && lo == 7569 && hi == 122880,
		   "real host Normal pcp: batch 63 high_min 7569 high_max 122880 (%d %d %d)", b, lo, hi);
	}

	/* clamps of min_free_kbytes and user value */
	set_in(RMM_KVER(6, 12), 0, 100, 0, 0);
	rmm_calc_wmarks(&in, &out);
	is_long(out.min_free_kbytes, 128, "tiny: min_free_kbytes clamped to 128");
	set_in(RMM_KVER(6, 12), 0, 0, 1048576, 0);
	in.min_free_kbytes = 65536;
	in.watermark_scale_factor = 1000;
	rmm_calc_wmarks(&in, &out);
	/* pages_min 16384; tmp max(4096, 104*1000 + 8576*1000/10000 = 104857) */
	check_wm(2, 16384, 121241, 226098, 330955, "user min_free_kbytes + wsf 1000");
}

static void test_instance(void)
{
	struct rmm_mm mm;
	struct rmm_zone *z;
	long v[5];
	unsigned long managed;
	int cpu;

	/* 4 GiB Normal node: managed = 1048576 - 4096 (memmap) */
	is_long(rmm_test_mm_simple(&mm, 1, 1048576, 0x100000), 0, "init 4 GiB node");
	z = &mm.nodes[0].node_zones[2];
	managed = rmm_zone_managed_pages(z);
	is_long(managed, 1048576 - 4096, "managed = present - 16 MiB of descriptors");
	/*
	 * By hand: int_sqrt(1044480 * 4 * 16 = 66846720) = 8175 kB, min =
	 * 8175 >> 2 = 2043, step = max(2043 >> 2, 1044480 * 10 / 10000) =
	 * 1044: low 3087, high 4131, promo 5175.
	 */
	is_long(mm.tunables.min_free_kbytes, 8175, "auto min_free_kbytes 8175");
	ok(z->_watermark[0] == 2043 && z->_watermark[1] == 3087 &&
	   z->_watermark[2] == 4131 && z->_watermark[3] == 5175,
	   "zone watermarks 2043/3087/4131/5175 (got min %lu low %lu high %lu)",
	   z->_watermark[0], z->_watermark[1], z->_watermark[2]);
	set_in(RMM_KVER(6, 12), 0, 0, managed, 0);
	rmm_calc_wmarks(&in, &out);
	/* zone_batchsize: min(1044480 >> 10, 256) / 4 = 64 -> rdp2(96) - 1 = 63 */
	is_long(z->pcp[0].batch, 63, "pcp batch 63");
	/* high_min = low / 4 local cpus, high_max = managed / 8 / 4 */
	is_long(z->pcp[0].high_min, (long)(out.wmark[0][2][1] / 4), "pcp high_min = low / cpus");
	is_long(z->pcp[0].high_max, (long)(managed / 8 / 4), "pcp high_max = managed/8/cpus");
	/* mem = 1044480 >> 15 = 31: 2 * fls(4) * (1 + fls(31)) = 2 * 3 * 6 */
	is_long(rmm_zone_stat_threshold(z), 36, "stat threshold (4 cpus, 4 GiB)");

	/* tunables */
	rmm_port_quiet = 1;
	v[0] = 0;
	is_long(rmm_set_tunable(&mm, RMM_TUNE_WATERMARK_SCALE_FACTOR, v, 1), -EINVAL,
		"watermark_scale_factor 0 refused");
	v[0] = 3001;
	is_long(rmm_set_tunable(&mm, RMM_TUNE_WATERMARK_SCALE_FACTOR, v, 1), -EINVAL,
		"watermark_scale_factor 3001 refused");
	v[0] = 7;
	is_long(rmm_set_tunable(&mm, RMM_TUNE_PERCPU_PAGELIST_HIGH_FRACTION, v, 1), -EINVAL,
		"percpu_pagelist_high_fraction 7 refused");
	v[0] = -5;
	is_long(rmm_set_tunable(&mm, RMM_TUNE_WATERMARK_BOOST_FACTOR, v, 1), -EINVAL,
		"watermark_boost_factor -5 refused");
	rmm_port_quiet = 0;
	is_long(mm.tunables.watermark_scale_factor, 10, "nothing changed on -EINVAL");
	v[0] = 1000;
	is_long(rmm_set_tunable(&mm, RMM_TUNE_WATERMARK_SCALE_FACTOR, v, 1), 0, "wsf 1000");
	in.watermark_scale_factor = 1000;
	rmm_calc_wmarks(&in, &out);
	is_long(z->_watermark[2], out.wmark[0][2][2], "high recomputed for wsf 1000");
	v[0] = 65536;
	is_long(rmm_set_tunable(&mm, RMM_TUNE_MIN_FREE_KBYTES, v, 1), 0, "min_free_kbytes 65536");
	is_long(z->_watermark[0], 16384, "min = 65536 kB / 4 = 16384 pages");
	v[0] = -1;
	rmm_set_tunable(&mm, RMM_TUNE_MIN_FREE_KBYTES, v, 1);
	/* int_sqrt(1044480 * 4 * 16 = 66846720) = 8175 (8176^2 = 66846976) */
	is_long(mm.tunables.min_free_kbytes, 8175, "back to automatic");
	v[0] = 8;
	is_long(rmm_set_tunable(&mm, RMM_TUNE_PERCPU_PAGELIST_HIGH_FRACTION, v, 1), 0, "fraction 8");
	for (cpu = 0; cpu < 4; cpu++)
		if (z->pcp[cpu].high_min != (int)(managed / 8 / 4) ||
		    z->pcp[cpu].high_max != z->pcp[cpu].high_min)
			break;
	is_long(cpu, 4, "fraction 8: high_min == high_max == managed/8/cpus on all cpus");
	v[0] = 100; v[1] = -3; v[2] = 16; v[3] = 0; v[4] = 0;
	is_long(rmm_set_tunable(&mm, RMM_TUNE_LOWMEM_RESERVE_RATIO, v, 5), 0,
		"lowmem_reserve_ratio 100 -3 16 0 0");
	is_long(mm.tunables.lowmem_reserve_ratio[1], 0, "negative ratio becomes 0 (kernel)");
	is_long(rmm_validate_mm(&mm), 0, "validator clean");
	is_long(rmm_mm_fini(&mm), 0, "fini");
}

/*
 * khugepaged's set_recommended_min_free_kbytes(), worked by hand:
 * pageblock_nr_pages * zones * (2 + 3 * 3), at most 5 % of
 * nr_free_buffer_pages() (managed - high with the plain rule's marks).
 */
static void test_thp_min_free(void)
{
	/* one 512 MiB Normal zone, 512 memmap pages: managed 130560 */
	set_in(RMM_KVER(6, 12), 0, 0, 130560, 0);
	in.zone_normal = 2;
	rmm_calc_wmarks(&in, &out);
	/* int_sqrt(130560 * 4 * 16 = 8355840) = 2890 (2891^2 = 8357881) */
	is_long(out.min_free_kbytes, 2890, "512 MiB, plain rule: 2890 kB");
	in.thp_min_free_kbytes = true;
	rmm_calc_wmarks(&in, &out);
	/*
	 * 512 * 1 * 11 = 5632 pages; cap: min 722, step max(180, 130) =
	 * 180, high 1082, (130560 - 1082) / 20 = 6473: not reached.
	 */
	is_long(out.min_free_kbytes, 22528, "512 MiB, THP rule: 5632 pages = 22528 kB");
	is_long(out.wmark[0][2][RMM_WMARK_MIN], 5632, "  min 5632 pages");

	/* 64 MiB: managed 16320; the 5 % cap decides */
	set_in(RMM_KVER(6, 12), 0, 0, 16320, 0);
	in.zone_normal = 2;
	in.thp_min_free_kbytes = true;
	rmm_calc_wmarks(&in, &out);
	/*
	 * plain: int_sqrt(1044480) = 1021, min 255, step max(63, 16) = 63,
	 * high 381; (16320 - 381) / 20 = 796 pages = 3184 kB > 1021
	 */
	is_long(out.min_free_kbytes, 3184, "64 MiB, THP rule capped at 5 %%: 3184 kB");

	/* DMA32 + Normal count twice; Movable is not counted */
	set_in(RMM_KVER(6, 12), 0, 262144, 262144, 262144);
	in.zone_normal = 2;
	in.thp_min_free_kbytes = true;
	rmm_calc_wmarks(&in, &out);
	is_long(out.min_free_kbytes, 512 * 2 * 11 * 4,
		"DMA32 + Normal (+ Movable): 11264 pages = 45056 kB");

	/* a user value is kept, as the sysctl does */
	in.min_free_kbytes = 1000;
	rmm_calc_wmarks(&in, &out);
	is_long(out.min_free_kbytes, 1000, "a set min_free_kbytes is not raised");
}

/*
 * The watermark boost is dropped where the kernel's
 * __setup_per_zone_wmarks() runs (min_free_kbytes and
 * watermark_scale_factor writes), not by the other tunables' handlers.
 */
static void test_boost_and_tunables(void)
{
	static const struct {
		enum rmm_tunable t;
		long v;
		bool clears;
		const char *name;
	} w[] = {
		{ RMM_TUNE_WATERMARK_BOOST_FACTOR, 20000, false, "watermark_boost_factor" },
		{ RMM_TUNE_LOWMEM_RESERVE_RATIO, 64, false, "lowmem_reserve_ratio" },
		{ RMM_TUNE_PERCPU_PAGELIST_HIGH_FRACTION, 16, false, "percpu_pagelist_high_fraction" },
		{ RMM_TUNE_WATERMARK_SCALE_FACTOR, 20, true, "watermark_scale_factor" },
		{ RMM_TUNE_MIN_FREE_KBYTES, 4096, true, "min_free_kbytes" },
	};
	struct rmm_mm mm;
	struct rmm_zone *z;
	unsigned int i;

	is_long(rmm_test_mm_simple(&mm, 1, 65536, 0x100000), 0, "init 256 MiB node");
	z = &mm.nodes[0].node_zones[2];
	for (i = 0; i < ARRAY_SIZE(w); i++) {
		WRITE_ONCE(z->watermark_boost, 512);
		is_long(rmm_set_tunable(&mm, w[i].t, &w[i].v, 1), 0, "write %s",
			w[i].name);
		is_long(z->watermark_boost, w[i].clears ? 0 : 512,
			"  boost %s", w[i].clears ? "dropped" : "kept");
	}
	WRITE_ONCE(z->watermark_boost, 0);
	is_long(rmm_mm_fini(&mm), 0, "fini");
}

/*
 * pcp high and stat thresholds over online CPUs (zone_highsize(),
 * calculate_normal_threshold()), again on hotplug.  4 GiB node as in
 * test_instance(): low 3087, managed 1044480, mem = 31.
 */
static void test_online_cpus(void)
{
	struct rmm_mm mm;
	struct rmm_zone *z;

	is_long(rmm_test_mm_simple(&mm, 1, 1048576, 0x100000), 0, "init 4 GiB node");
	z = &mm.nodes[0].node_zones[2];
	is_long(z->pcp[0].high_min, 3087 / 4, "4 CPUs online: high_min = low / 4");
	rmm_mm_cpu_dead(&mm, 3);
	is_long(z->pcp[0].high_min, 3087 / 3, "CPU 3 dead: high_min = low / 3");
	is_long(z->pcp[0].high_max, 1044480 / 8 / 3, "  high_max = managed / 8 / 3");
	/* 2 * fls(3) * (1 + fls(31)) = 2 * 2 * 6 */
	is_long(rmm_zone_stat_threshold(z), 24, "  stat threshold over 3 CPUs: 24");
	is_long(z->pcp[1].stat_threshold, 24, "  and in every CPU's pageset");
	rmm_mm_cpu_online(&mm, 3);
	is_long(z->pcp[0].high_min, 3087 / 4, "CPU 3 back: high_min = low / 4");
	is_long(rmm_zone_stat_threshold(z), 36, "  stat threshold 36 again");
	is_long(rmm_mm_fini(&mm), 0, "fini");
}

/*
 * swappiness and page-cluster: the kernel's defaults (vm_swappiness = 60,
 * swap_setup()'s 3) and proc_dointvec_minmax limits (kernel/sysctl.c:
 * swappiness SYSCTL_ZERO..SYSCTL_TWO_HUNDRED; page-cluster SYSCTL_ZERO..
 * page_cluster_max = 31 on 6.12, SYSCTL_ZERO only on 6.1).  Writing them
 * recomputes nothing: the watermarks stay.
 */
static void test_reclaim_tunables(void)
{
	struct rmm_mm mm;
	struct rmm_zone *z;
	unsigned long high;
	long v[2];

	is_long(rmm_test_mm_simple(&mm, 1, 131072, 0x100000), 0,
		"init 512 MiB node");
	z = &mm.nodes[0].node_zones[2];
	high = z->_watermark[2];
	is_long(rmm_get_tunable(&mm, RMM_TUNE_SWAPPINESS, v, 1), 1,
		"swappiness reads one value");
	is_long(v[0], 60, "  default 60 (vm_swappiness)");
	is_long(rmm_get_tunable(&mm, RMM_TUNE_PAGE_CLUSTER, v, 1), 1,
		"page-cluster reads one value");
	is_long(v[0], 3, "  default 3 (swap_setup())");

	rmm_port_quiet = 1;
	v[0] = -1;
	is_long(rmm_set_tunable(&mm, RMM_TUNE_SWAPPINESS, v, 1), -EINVAL,
		"swappiness -1 refused");
	v[0] = 201;
	is_long(rmm_set_tunable(&mm, RMM_TUNE_SWAPPINESS, v, 1), -EINVAL,
		"swappiness 201 refused");
	v[0] = 10; v[1] = 20;
	is_long(rmm_set_tunable(&mm, RMM_TUNE_SWAPPINESS, v, 2), -EINVAL,
		"swappiness: two values refused");
	v[0] = -1;
	is_long(rmm_set_tunable(&mm, RMM_TUNE_PAGE_CLUSTER, v, 1), -EINVAL,
		"page-cluster -1 refused");
	v[0] = 32;
	is_long(rmm_set_tunable(&mm, RMM_TUNE_PAGE_CLUSTER, v, 1), -EINVAL,
		"page-cluster 32 refused on 6.12 (page_cluster_max 31)");
	rmm_port_quiet = 0;
	rmm_get_tunable(&mm, RMM_TUNE_SWAPPINESS, v, 1);
	is_long(v[0], 60, "  swappiness unchanged");
	rmm_get_tunable(&mm, RMM_TUNE_PAGE_CLUSTER, v, 1);
	is_long(v[0], 3, "  page-cluster unchanged");

	v[0] = 0;
	is_long(rmm_set_tunable(&mm, RMM_TUNE_SWAPPINESS, v, 1), 0,
		"swappiness 0 accepted");
	v[0] = 200;
	is_long(rmm_set_tunable(&mm, RMM_TUNE_SWAPPINESS, v, 1), 0,
		"swappiness 200 accepted");
	is_long(mm.tunables.swappiness, 200, "  reads back 200");
	v[0] = 0;
	is_long(rmm_set_tunable(&mm, RMM_TUNE_PAGE_CLUSTER, v, 1), 0,
		"page-cluster 0 accepted");
	v[0] = 31;
	is_long(rmm_set_tunable(&mm, RMM_TUNE_PAGE_CLUSTER, v, 1), 0,
		"page-cluster 31 accepted");
	is_long(mm.tunables.page_cluster, 31, "  reads back 31");
	is_long(z->_watermark[2], high, "high watermark untouched");

	/* 6.1: page-cluster has no upper limit (extra2 unset) */
	mm.layout.kver = RMM_KVER(6, 1);
	v[0] = 32;
	is_long(rmm_set_tunable(&mm, RMM_TUNE_PAGE_CLUSTER, v, 1), 0,
		"6.1: page-cluster 32 accepted");
	v[0] = INT_MAX;
	is_long(rmm_set_tunable(&mm, RMM_TUNE_PAGE_CLUSTER, v, 1), 0,
		"6.1: page-cluster INT_MAX accepted");
	rmm_port_quiet = 1;
	v[0] = (long)INT_MAX + 1;
	is_long(rmm_set_tunable(&mm, RMM_TUNE_PAGE_CLUSTER, v, 1), -EINVAL,
		"6.1: page-cluster beyond int refused");
	rmm_port_quiet = 0;
	mm.layout.kver = RMM_KVER(6, 12);
	is_long(rmm_validate_mm(&mm), 0, "validator clean");
	is_long(rmm_mm_fini(&mm), 0, "fini");
}

int main(void)
{
	test_online_cpus();
	test_pure();
	test_instance();
	test_thp_min_free();
	test_boost_and_tunables();
	test_reclaim_tunables();
	return done_testing();
}
