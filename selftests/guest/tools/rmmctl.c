// SPDX-License-Identifier: GPL-2.0
/*
 * rmmctl: drive /dev/regionmm from guest tests (built on the host, runs in
 * the guest with the host's C library).
 *
 *   rmmctl info                      key=value lines of RMM_IOC_INFO
 *   rmmctl alloc ORDER [MT [GFP [NID]]]  one allocation, prints pfn (then frees)
 *   rmmctl wmtest [NID]              order-0 until the watermark refuses
 *                                    (ENOMEM), then __GFP_HIGH, then ATOMIC:
 *                                    prints how far each got and frees all
 *                                    (oom_score_adj -1000: never the OOM
 *                                    killer's victim)
 *   rmmctl pattern N ORDER           N blocks, write/check a pattern;
 *                                    QUERY_PAGES of each (pfn, movable)
 *   rmmctl hold ORDER N              allocate and sleep until killed
 *   rmmctl holdfrag ORDER N          allocate up to N movable blocks (until
 *                                    refused), free those at an even
 *                                    ORDER-block position (their buddies
 *                                    stay allocated: no merge), print
 *                                    allocs= freed=, sleep until killed
 *   rmmctl movefrag N                N movable order-0 blocks (fewer if
 *                                    refused) with patterns, every other
 *                                    one freed, then a write of 1 to
 *                                    /proc/sys/regionmm/compact_memory:
 *                                    QUERY_PAGES and CHECK_PATTERN of the
 *                                    rest; prints held= moved= bad_words=
 *                                    compact_errno= (0: the write worked)
 *   rmmctl badargs                   every malformed ioctl must fail
 *   rmmctl validate N                N times RMM_IOC_VALIDATE: prints how
 *                                    many failed (0 expected)
 *   rmmctl bad N                     N times the same refused ALLOC_PAGES
 *                                    (order 99): prints how many got EINVAL
 *   rmmctl fill ORDER                order-ORDER blocks until refused:
 *                                    prints allocs= errno=, then frees one
 *                                    and allocates again (realloc_errno=)
 *   rmmctl calc                      stdin: tunables + zones; RMM_IOC_CALC_WMARKS
 *   rmmctl frag PCT ROUNDS           LLFree-style fragmentation workload,
 *                                    then order-9 success rate
 *   rmmctl race ROUNDS               ROUNDS times: order-10 and order-9
 *                                    blocks, movable and unmovable in turn,
 *                                    until both orders are refused, then
 *                                    free all; run on two CPUs at once
 *                                    (the order-10 fallback race); prints
 *                                    blocks=
 *
 * Exit status 0 on success; messages on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/regionmm.h>

static int fd = -1;

static void open_dev(void)
{
	fd = open("/dev/regionmm", O_RDWR);
	if (fd < 0) {
		perror("open /dev/regionmm");
		exit(2);
	}
}

static int info(struct rmm_ioc_info *in)
{
	memset(in, 0, sizeof(*in));
	return ioctl(fd, RMM_IOC_INFO, in);
}

static int alloc1(unsigned int order, unsigned int mt, unsigned int gfp,
		  int nid, struct rmm_ioc_alloc *a)
{
	memset(a, 0, sizeof(*a));
	a->order = order;
	a->migratetype = mt;
	a->nid = nid;
	a->zone_limit = -1;
	a->gfp_flags = gfp | RMM_IOC_GFP_NOWARN;
	return ioctl(fd, RMM_IOC_ALLOC_PAGES, a);
}

static int cmd_info(void)
{
	struct rmm_ioc_info in;

	if (info(&in)) {
		perror("RMM_IOC_INFO");
		return 1;
	}
	printf("api_version=%u\nnr_nodes=%u\nnr_zones=%u\nnr_orders=%u\n"
	       "pageblock_order=%u\npage_size=%u\nmanaged_pages=%llu\n"
	       "free_pages=%llu\n", in.api_version, in.nr_nodes, in.nr_zones,
	       in.nr_orders, in.pb_order, in.page_size,
	       (unsigned long long)in.managed_pages,
	       (unsigned long long)in.free_pages);
	return 0;
}

static unsigned long long count_until_fail(unsigned int gfp, int nid,
					   int *err)
{
	struct rmm_ioc_alloc a;
	unsigned long long n = 0;

	for (;;) {
		if (alloc1(0, RMM_IOC_MT_UNMOVABLE, gfp, nid, &a)) {
			*err = errno;
			return n;
		}
		n++;
	}
}

static void oom_exempt(void)
{
	FILE *f = fopen("/proc/self/oom_score_adj", "w");

	if (!f || fprintf(f, "-1000\n") < 0 || fclose(f))
		perror("wmtest: oom_score_adj -1000");
}

static int cmd_wmtest(int nid)
{
	struct rmm_ioc_info before, at_normal, at_high, at_atomic;
	unsigned long long n_normal, n_high, n_atomic;
	int e1 = 0, e2 = 0, e3 = 0;

	/*
	 * Blocking allocations that reclaim cannot serve reach regionmm's
	 * OOM killer, which would pick this process, the one holding the
	 * pages; exempt from it (-1000), the allocations fail with ENOMEM
	 * ("no killable processes") and the watermarks can be measured.
	 */
	oom_exempt();
	info(&before);
	n_normal = count_until_fail(0, nid, &e1);
	info(&at_normal);
	n_high = count_until_fail(RMM_IOC_GFP_HIGH, nid, &e2);
	info(&at_high);
	n_atomic = count_until_fail(RMM_IOC_GFP_ATOMIC | RMM_IOC_GFP_HIGH,
				    nid, &e3);
	info(&at_atomic);
	printf("free_before=%llu\n", (unsigned long long)before.free_pages);
	printf("normal_allocs=%llu normal_errno=%d free_at_normal_fail=%llu\n",
	       n_normal, e1, (unsigned long long)at_normal.free_pages);
	printf("high_allocs=%llu high_errno=%d free_at_high_fail=%llu\n",
	       n_high, e2, (unsigned long long)at_high.free_pages);
	printf("atomic_allocs=%llu atomic_errno=%d free_at_atomic_fail=%llu\n",
	       n_atomic, e3, (unsigned long long)at_atomic.free_pages);
	if (ioctl(fd, RMM_IOC_VALIDATE)) {
		perror("RMM_IOC_VALIDATE");
		return 1;
	}
	if (ioctl(fd, RMM_IOC_FREE_ALL)) {
		perror("RMM_IOC_FREE_ALL");
		return 1;
	}
	ioctl(fd, RMM_IOC_DRAIN);
	info(&at_atomic);
	printf("free_after=%llu\n", (unsigned long long)at_atomic.free_pages);
	return 0;
}

/*
 * WRITE_PATTERN or CHECK_PATTERN (cmd, named what) on block i, whose
 * pattern's seed is derived from i; CHECK adds its bad words to *bad.
 */
static int pattern(unsigned long cmd, const char *what, uint64_t handle,
		   int i, unsigned long long *bad)
{
	struct rmm_ioc_pattern p;

	memset(&p, 0, sizeof(p));
	p.handle = handle;
	p.seed = 0x5eed0000ULL + i;
	if (ioctl(fd, cmd, &p)) {
		perror(what);
		return 1;
	}
	*bad += p.bad_words;
	return 0;
}

static int cmd_pattern(int n, unsigned int order)
{
	struct rmm_ioc_alloc a;
	uint64_t *h = calloc(n, sizeof(*h));
	unsigned long long bad = 0;
	int i;

	for (i = 0; i < n; i++) {
		struct rmm_ioc_query q;

		if (alloc1(order, i % 3, 0, -1, &a)) {
			perror("alloc");
			return 1;
		}
		h[i] = a.handle;
		/* QUERY_PAGES: the block where ALLOC put it; order-0 movable
		 * blocks (and only those) may be migrated */
		memset(&q, 0, sizeof(q));
		q.handle = a.handle;
		if (ioctl(fd, RMM_IOC_QUERY_PAGES, &q)) {
			perror("QUERY_PAGES");
			return 1;
		}
		if (q.pfn != a.pfn || q.order != order ||
		    q.movable != (!order && i % 3 == RMM_IOC_MT_MOVABLE)) {
			fprintf(stderr, "QUERY_PAGES: handle %llu pfn %llu order %u movable %u, allocated pfn %llu order %u mt %d\n",
				(unsigned long long)q.handle,
				(unsigned long long)q.pfn, q.order, q.movable,
				(unsigned long long)a.pfn, order, i % 3);
			return 1;
		}
		if (pattern(RMM_IOC_WRITE_PATTERN, "WRITE_PATTERN", h[i], i,
			    &bad))
			return 1;
	}
	if (ioctl(fd, RMM_IOC_DRAIN) || ioctl(fd, RMM_IOC_VALIDATE)) {
		perror("validate");
		return 1;
	}
	for (i = 0; i < n; i++)
		if (pattern(RMM_IOC_CHECK_PATTERN, "CHECK_PATTERN", h[i], i,
			    &bad))
			return 1;
	/* free every other block, then re-check the rest */
	for (i = 0; i < n; i += 2) {
		struct rmm_ioc_free f = { .handle = h[i] };

		if (ioctl(fd, RMM_IOC_FREE_PAGES, &f)) {
			perror("FREE_PAGES");
			return 1;
		}
	}
	for (i = 1; i < n; i += 2)
		if (pattern(RMM_IOC_CHECK_PATTERN, "CHECK_PATTERN", h[i], i,
			    &bad))
			return 1;
	printf("blocks=%d order=%u bad_words=%llu\n", n, order, bad);
	return bad ? 1 : 0;
}

static int cmd_holdfrag(unsigned int order, int n)
{
	struct rmm_ioc_alloc *a = calloc(n, sizeof(*a));
	int i, got, freed = 0;

	if (!a)
		return 1;
	/* all first: a block freed at once would be the next one handed out */
	for (got = 0; got < n; got++)
		if (alloc1(order, RMM_IOC_MT_MOVABLE, 0, -1, &a[got]))
			break;
	for (i = 0; i < got; i++) {
		struct rmm_ioc_free f = { .handle = a[i].handle };

		if ((a[i].pfn >> order) & 1)
			continue;
		if (ioctl(fd, RMM_IOC_FREE_PAGES, &f)) {
			perror("FREE_PAGES");
			return 1;
		}
		freed++;
	}
	printf("allocs=%d freed=%d\n", got, freed);
	fflush(stdout);
	for (;;)
		pause();
	return 0;
}

static int cmd_hold(unsigned int order, int n)
{
	struct rmm_ioc_alloc a;
	int i;

	for (i = 0; i < n; i++) {
		if (alloc1(order, 0, 0, -1, &a)) {
			perror("alloc");
			return 1;
		}
	}
	printf("holding %d blocks of order %u\n", n, order);
	fflush(stdout);
	for (;;)
		pause();
	return 0;
}

static int cmd_race(int rounds)
{
	enum { MAX_BLOCKS = 65536 };
	uint64_t *h = calloc(MAX_BLOCKS, sizeof(*h));
	unsigned long long total = 0;
	int r, n, k;

	if (!h)
		return 1;
	for (r = 0; r < rounds; r++) {
		int refused = 0;

		n = 0;
		for (k = 0; refused < 2 && n < MAX_BLOCKS; k++) {
			struct rmm_ioc_alloc a;
			/* order 10 and 9, movable (1) and unmovable (0) */
			unsigned int order = k & 1 ? 9 : 10;

			if (alloc1(order, (k >> 1) & 1, 0, -1, &a)) {
				if (errno != ENOMEM) {
					perror("alloc");
					return 1;
				}
				refused++;
				continue;
			}
			refused = 0;
			h[n++] = a.handle;
		}
		total += n;
		while (n) {
			struct rmm_ioc_free f = { .handle = h[--n] };

			if (ioctl(fd, RMM_IOC_FREE_PAGES, &f)) {
				perror("FREE_PAGES");
				return 1;
			}
		}
	}
	free(h);
	printf("blocks=%llu\n", total);
	return 0;
}

static int failures;

static void expect_ok(const char *what, int ret)
{
	if (!ret) {
		printf("ok - %s\n", what);
	} else {
		printf("not ok - %s: errno %d\n", what, errno);
		failures++;
	}
}

static void expect(const char *what, int ret, int err)
{
	if (ret == -1 && errno == err) {
		printf("ok - %s: %s\n", what, strerror(err));
	} else {
		printf("not ok - %s: ret %d errno %d, expected %s\n", what, ret,
		       ret ? errno : 0, strerror(err));
		failures++;
	}
}

static int cmd_badargs(void)
{
	struct rmm_ioc_info in;
	struct rmm_ioc_alloc a;
	struct rmm_ioc_free f;
	struct rmm_ioc_pattern p;
	struct rmm_ioc_query q;
	struct rmm_ioc_wmarks *w = calloc(1, sizeof(*w));
	int nodes;

	info(&in);
	nodes = in.nr_nodes;

	memset(&in, 0, sizeof(in));
	expect_ok("INFO (_IOWR number)", ioctl(fd, RMM_IOC_INFO, &in));
	memset(&in, 0, sizeof(in));
	expect_ok("INFO (first, _IOR number)", ioctl(fd, RMM_IOC_INFO_IOR, &in));
	if (in.nr_nodes != (unsigned int)nodes) {
		printf("not ok - INFO (_IOR number) answers nr_nodes %u, not %d\n",
		       in.nr_nodes, nodes);
		failures++;
	}
	memset(&in, 0, sizeof(in));
	in.flags = 1;
	expect("INFO flags!=0", ioctl(fd, RMM_IOC_INFO, &in), EINVAL);
	in.flags = 1;
	expect("INFO (_IOR number) flags!=0", ioctl(fd, RMM_IOC_INFO_IOR, &in),
	       EINVAL);
	expect("INFO bad pointer", ioctl(fd, RMM_IOC_INFO, (void *)8), EFAULT);

#define BAD_ALLOC(desc, field, val) do {				\
		memset(&a, 0, sizeof(a));				\
		a.nid = -1;						\
		a.zone_limit = -1;					\
		a.field = val;						\
		expect(desc, ioctl(fd, RMM_IOC_ALLOC_PAGES, &a), EINVAL); \
	} while (0)
	BAD_ALLOC("ALLOC order too big", order, 64);
	BAD_ALLOC("ALLOC order = nr_orders", order, in.nr_orders ? in.nr_orders : 11);
	BAD_ALLOC("ALLOC migratetype 3", migratetype, 3);
	BAD_ALLOC("ALLOC nid = nr_nodes", nid, nodes);
	BAD_ALLOC("ALLOC nid -2", nid, -2);
	BAD_ALLOC("ALLOC zone_limit 99", zone_limit, 99);
	BAD_ALLOC("ALLOC zone_limit -5", zone_limit, -5);
	BAD_ALLOC("ALLOC unknown gfp bit", gfp_flags, 1U << 31);
	BAD_ALLOC("ALLOC flags!=0", flags, 1);
	/* ZONE_MOVABLE is 3 on x86_64; only movable requests may reach it */
	BAD_ALLOC("ALLOC zone_limit Movable, migratetype unmovable",
		  zone_limit, 3);
	expect("ALLOC bad pointer", ioctl(fd, RMM_IOC_ALLOC_PAGES, NULL),
	       EFAULT);

	f.handle = 0;
	expect("FREE handle 0", ioctl(fd, RMM_IOC_FREE_PAGES, &f), EINVAL);
	f.handle = 12345;
	expect("FREE unknown handle", ioctl(fd, RMM_IOC_FREE_PAGES, &f), EINVAL);
	f.handle = 1ULL << 40;
	expect("FREE huge handle", ioctl(fd, RMM_IOC_FREE_PAGES, &f), EINVAL);

	memset(&p, 0, sizeof(p));
	p.handle = 777;
	expect("PATTERN unknown handle", ioctl(fd, RMM_IOC_WRITE_PATTERN, &p),
	       EINVAL);
	p.flags = 1;
	expect("PATTERN flags!=0", ioctl(fd, RMM_IOC_CHECK_PATTERN, &p), EINVAL);

	memset(&q, 0, sizeof(q));
	expect("QUERY handle 0", ioctl(fd, RMM_IOC_QUERY_PAGES, &q), EINVAL);
	q.handle = 777;
	expect("QUERY unknown handle", ioctl(fd, RMM_IOC_QUERY_PAGES, &q),
	       EINVAL);
	q.handle = 1ULL << 40;
	expect("QUERY huge handle", ioctl(fd, RMM_IOC_QUERY_PAGES, &q), EINVAL);
	q.handle = 1;
	q.flags = 1;
	expect("QUERY flags!=0", ioctl(fd, RMM_IOC_QUERY_PAGES, &q), EINVAL);
	q.flags = 0;
	q.pad = 1;
	expect("QUERY pad!=0", ioctl(fd, RMM_IOC_QUERY_PAGES, &q), EINVAL);
	expect("QUERY bad pointer", ioctl(fd, RMM_IOC_QUERY_PAGES, NULL),
	       EFAULT);

	memset(w, 0, sizeof(*w));
	w->flags = 1;
	w->nr_zones = 1;
	w->nr_zones_per_node = 4;
	expect("CALC_WMARKS flags!=0", ioctl(fd, RMM_IOC_CALC_WMARKS, w), EINVAL);
	memset(w, 0, sizeof(*w));
	w->nr_zones = RMM_IOC_WM_MAX_ZONES + 1;
	w->nr_zones_per_node = 4;
	expect("CALC_WMARKS too many zones", ioctl(fd, RMM_IOC_CALC_WMARKS, w),
	       EINVAL);
	memset(w, 0, sizeof(*w));
	w->nr_zones = 1;
	w->nr_zones_per_node = 9;
	expect("CALC_WMARKS nr_zones_per_node 9",
	       ioctl(fd, RMM_IOC_CALC_WMARKS, w), EINVAL);
	memset(w, 0, sizeof(*w));
	w->nr_zones = 1;
	w->nr_zones_per_node = 4;
	w->watermark_scale_factor = 0;
	w->min_free_kbytes = -1;
	expect("CALC_WMARKS scale factor 0", ioctl(fd, RMM_IOC_CALC_WMARKS, w),
	       EINVAL);
	w->watermark_scale_factor = 3001;
	expect("CALC_WMARKS scale factor 3001",
	       ioctl(fd, RMM_IOC_CALC_WMARKS, w), EINVAL);
	w->watermark_scale_factor = 10;
	w->zone[0].zone_idx = 7;
	expect("CALC_WMARKS zone_idx >= per node",
	       ioctl(fd, RMM_IOC_CALC_WMARKS, w), EINVAL);
	w->zone[0].zone_idx = 0;
	w->zone[0].kind = 77;
	expect("CALC_WMARKS bad kind", ioctl(fd, RMM_IOC_CALC_WMARKS, w), EINVAL);

	expect("unknown cmd 0x3f", ioctl(fd, _IO(RMM_IOC_MAGIC, 0x3f)), ENOTTY);
	expect("wrong magic", ioctl(fd, _IO('Z', 1)), ENOTTY);
	expect("INFO wrong size", ioctl(fd, _IOR(RMM_IOC_MAGIC, 0x00, int), &a),
	       ENOTTY);
	printf("failures=%d\n", failures);
	return failures ? 1 : 0;
}

static int cmd_validate(int n)
{
	int i, bad = 0;

	for (i = 0; i < n; i++)
		if (ioctl(fd, RMM_IOC_VALIDATE))
			bad++;
	printf("validate_runs=%d failed=%d\n", n, bad);
	return bad ? 1 : 0;
}

static int cmd_bad(int n)
{
	struct rmm_ioc_alloc a;
	int i, einval = 0;

	for (i = 0; i < n; i++) {
		memset(&a, 0, sizeof(a));
		a.order = 99;
		a.nid = -1;
		a.zone_limit = -1;
		if (ioctl(fd, RMM_IOC_ALLOC_PAGES, &a) == -1 && errno == EINVAL)
			einval++;
	}
	printf("einval=%d\n", einval);
	return einval == n ? 0 : 1;
}

static int cmd_fill(unsigned int order)
{
	struct rmm_ioc_alloc a;
	struct rmm_ioc_free f;
	unsigned long long n = 0;
	int err = 0, err2 = 0;

	for (;;) {
		if (alloc1(order, RMM_IOC_MT_UNMOVABLE, 0, -1, &a)) {
			err = errno;
			break;
		}
		f.handle = a.handle;
		n++;
	}
	printf("allocs=%llu errno=%d\n", n, err);
	if (n) {
		if (ioctl(fd, RMM_IOC_FREE_PAGES, &f)) {
			perror("FREE_PAGES");
			return 1;
		}
		if (alloc1(order, RMM_IOC_MT_UNMOVABLE, 0, -1, &a))
			err2 = errno;
	}
	printf("realloc_errno=%d\n", err2);
	return 0;
}

/*
 * calc: stdin
 *   tunables MIN_FREE_KBYTES SCALE BOOST NR_ZONES_PER_NODE R0 R1 ... (ratios)
 *   zone NID ZONE_IDX KIND MANAGED        (one per zone, KIND: name)
 * prints: zone NID ZONE_IDX min low high promo (p0, p1, ...)
 */
static int kind_of(const char *s)
{
	static const char *const n[] = { "DMA", "DMA32", "Normal", "Movable",
					  "Device", "HighMem" };
	unsigned int i;

	for (i = 0; i < sizeof(n) / sizeof(n[0]); i++)
		if (!strcmp(s, n[i]))
			return i;
	return -1;
}

static int cmd_calc(void)
{
	struct rmm_ioc_wmarks *w = calloc(1, sizeof(*w));
	char line[512], kind[32];
	unsigned int i, j;

	while (fgets(line, sizeof(line), stdin)) {
		if (!strncmp(line, "tunables", 8)) {
			char *p = line + 8;
			int mfk, off;
			unsigned int per;

			if (sscanf(p, "%d %u %u %u%n", &mfk,
				   &w->watermark_scale_factor,
				   &w->watermark_boost_factor, &per, &off) != 4) {
				fprintf(stderr, "bad tunables line\n");
				return 2;
			}
			w->min_free_kbytes = mfk;
			w->nr_zones_per_node = per;
			p += off;
			for (j = 0; j < per && j < RMM_IOC_WM_MAX_NR_ZONES; j++) {
				if (sscanf(p, "%u%n", &w->lowmem_reserve_ratio[j],
					   &off) != 1)
					break;
				p += off;
			}
		} else if (!strncmp(line, "zone", 4)) {
			struct rmm_ioc_wm_zone *z = &w->zone[w->nr_zones];
			unsigned long long managed;

			if (w->nr_zones >= RMM_IOC_WM_MAX_ZONES ||
			    sscanf(line + 4, "%u %u %31s %llu", &z->nid,
				   &z->zone_idx, kind, &managed) != 4 ||
			    kind_of(kind) < 0) {
				fprintf(stderr, "bad zone line: %s", line);
				return 2;
			}
			z->kind = kind_of(kind);
			z->managed = managed;
			w->nr_zones++;
		}
	}
	if (ioctl(fd, RMM_IOC_CALC_WMARKS, w)) {
		perror("RMM_IOC_CALC_WMARKS");
		return 1;
	}
	printf("min_free_kbytes %llu\n",
	       (unsigned long long)w->min_free_kbytes_out);
	for (i = 0; i < w->nr_zones; i++) {
		struct rmm_ioc_wm_zone *z = &w->zone[i];

		printf("zone %u %u %llu %llu %llu %llu (", z->nid, z->zone_idx,
		       (unsigned long long)z->min, (unsigned long long)z->low,
		       (unsigned long long)z->high,
		       (unsigned long long)z->promo);
		for (j = 0; j < w->nr_zones_per_node; j++)
			printf("%s%llu", j ? ", " : "",
			       (unsigned long long)z->protection[j]);
		printf(")\n");
	}
	return 0;
}

/* LLFree-style: fill PCT% with order-0, free half, ROUNDS of 10% churn */
static uint64_t rnd_state = 88172645463325252ULL;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static void dump_buddy(const char *phase)
{
	FILE *f = fopen("/proc/regionmm/buddyinfo", "r");
	char line[512];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		printf("RBUDDY %s %s", phase, line);
	fclose(f);
}

static int cmd_frag(int pct, int rounds)
{
	struct rmm_ioc_info in;
	struct rmm_ioc_alloc a;
	uint64_t *h, n, live, i, target;
	unsigned long long ok9 = 0, try9 = 0;
	int r;

	info(&in);
	dump_buddy("before");
	target = in.free_pages * pct / 100;
	h = calloc(target, sizeof(*h));
	for (n = 0; n < target; n++) {
		if (alloc1(0, RMM_IOC_MT_MOVABLE, 0, -1, &a))
			break;
		h[n] = a.handle;
	}
	live = n;
	for (i = 0; i < n; i++) {	/* free half at random */
		uint64_t j = rnd() % n;

		if (h[j]) {
			struct rmm_ioc_free f = { .handle = h[j] };

			ioctl(fd, RMM_IOC_FREE_PAGES, &f);
			h[j] = 0;
			live--;
			if (live <= n / 2)
				break;
		}
	}
	for (r = 0; r < rounds; r++) {
		uint64_t k, churn = n / 10;

		for (k = 0; k < churn; k++) {
			uint64_t j = rnd() % n;

			if (h[j]) {
				struct rmm_ioc_free f = { .handle = h[j] };

				ioctl(fd, RMM_IOC_FREE_PAGES, &f);
				h[j] = 0;
			} else if (!alloc1(0, RMM_IOC_MT_MOVABLE, 0, -1, &a)) {
				h[j] = a.handle;
			}
		}
	}
	ioctl(fd, RMM_IOC_DRAIN);
	info(&in);
	printf("frag_filled=%llu live_after=%llu free_pages=%llu\n",
	       (unsigned long long)n, (unsigned long long)live,
	       (unsigned long long)in.free_pages);
	dump_buddy("after_churn");
	/* high-order success: try order-9 until failure */
	for (;;) {
		try9++;
		if (alloc1(9, RMM_IOC_MT_MOVABLE, 0, -1, &a))
			break;
		ok9++;
	}
	printf("order9_success=%llu order9_attempts=%llu free_2m_blocks_pages=%llu\n",
	       ok9, try9, ok9 * 512);
	dump_buddy("after_order9");
	if (ioctl(fd, RMM_IOC_VALIDATE)) {
		perror("VALIDATE");
		return 1;
	}
	return 0;
}

/* pfn of a held block now (QUERY_PAGES); ~0 on error */
static uint64_t query_pfn(uint64_t handle)
{
	struct rmm_ioc_query q;

	memset(&q, 0, sizeof(q));
	q.handle = handle;
	if (ioctl(fd, RMM_IOC_QUERY_PAGES, &q)) {
		perror("QUERY_PAGES");
		return ~0ULL;
	}
	return q.pfn;
}

static int cmd_movefrag(int n)
{
	uint64_t *h = calloc(n, sizeof(*h)), *pfn = calloc(n, sizeof(*pfn));
	unsigned long long bad = 0;
	int i, got = 0, held = 0, moved = 0, cerr = 0, cfd;
	struct rmm_ioc_alloc a;

	if (!h || !pfn)
		return 2;
	for (i = 0; i < n; i++) {
		if (alloc1(0, RMM_IOC_MT_MOVABLE, RMM_IOC_GFP_NOWARN, -1, &a))
			break;
		h[i] = a.handle;
		pfn[i] = a.pfn;
		if (pattern(RMM_IOC_WRITE_PATTERN, "WRITE_PATTERN", h[i], i,
			    &bad))
			return 1;
		got++;
	}
	for (i = 0; i < got; i += 2) {
		struct rmm_ioc_free f = { .handle = h[i] };

		if (ioctl(fd, RMM_IOC_FREE_PAGES, &f)) {
			perror("FREE_PAGES");
			return 1;
		}
	}
	ioctl(fd, RMM_IOC_DRAIN);
	cfd = open("/proc/sys/regionmm/compact_memory", O_WRONLY);
	if (cfd < 0 || write(cfd, "1\n", 2) != 2)
		cerr = errno;
	if (cfd >= 0)
		close(cfd);
	for (i = 1; i < got; i += 2) {
		uint64_t now = query_pfn(h[i]);

		if (now == ~0ULL)
			return 1;
		held++;
		moved += now != pfn[i];
		if (pattern(RMM_IOC_CHECK_PATTERN, "CHECK_PATTERN", h[i], i,
			    &bad))
			return 1;
	}
	if (ioctl(fd, RMM_IOC_VALIDATE)) {
		perror("VALIDATE");
		return 1;
	}
	printf("held=%d moved=%d bad_words=%llu compact_errno=%d\n", held,
	       moved, bad, cerr);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: rmmctl info|alloc|wmtest|pattern|hold|badargs|validate|bad|fill|calc|frag|race ...\n");
		return 2;
	}
	open_dev();
	if (!strcmp(argv[1], "info"))
		return cmd_info();
	if (!strcmp(argv[1], "alloc")) {
		struct rmm_ioc_alloc a;

		if (argc < 3)
			return 2;
		if (alloc1(atoi(argv[2]), argc > 3 ? atoi(argv[3]) : 0,
			   argc > 4 ? strtoul(argv[4], NULL, 0) : 0,
			   argc > 5 ? atoi(argv[5]) : -1, &a)) {
			printf("errno=%d\n", errno);
			return 1;
		}
		printf("pfn=%llu handle=%llu\n", (unsigned long long)a.pfn,
		       (unsigned long long)a.handle);
		return 0;
	}
	if (!strcmp(argv[1], "wmtest"))
		return cmd_wmtest(argc > 2 ? atoi(argv[2]) : -1);
	if (!strcmp(argv[1], "pattern") && argc > 3)
		return cmd_pattern(atoi(argv[2]), atoi(argv[3]));
	if (!strcmp(argv[1], "holdfrag") && argc > 3)
		return cmd_holdfrag(atoi(argv[2]), atoi(argv[3]));
	if (!strcmp(argv[1], "hold") && argc > 3)
		return cmd_hold(atoi(argv[2]), atoi(argv[3]));
	if (!strcmp(argv[1], "movefrag") && argc > 2)
		return cmd_movefrag(atoi(argv[2]));
	if (!strcmp(argv[1], "badargs"))
		return cmd_badargs();
	if (!strcmp(argv[1], "validate") && argc > 2)
		return cmd_validate(atoi(argv[2]));
	if (!strcmp(argv[1], "bad") && argc > 2)
		return cmd_bad(atoi(argv[2]));
	if (!strcmp(argv[1], "fill") && argc > 2)
		return cmd_fill(atoi(argv[2]));
	if (!strcmp(argv[1], "calc"))
		return cmd_calc();
	if (!strcmp(argv[1], "race") && argc > 2)
		return cmd_race(atoi(argv[2]));
	if (!strcmp(argv[1], "frag") && argc > 3)
		return cmd_frag(atoi(argv[2]), atoi(argv[3]));
	fprintf(stderr, "rmmctl: unknown command %s\n", argv[1]);
	return 2;
}
