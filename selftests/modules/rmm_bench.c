// SPDX-License-Identifier: GPL-2.0
/*
 * rmm_bench - regionmm against the running kernel's allocators, side by side.
 *
 * Loaded in a guest that has regionmm.ko loaded; runs every selected
 * benchmark at insmod time, once on regionmm (rmm_alloc_pages, rmm_cache_*)
 * and once on the kernel (alloc_pages, kmem_cache_*, genalloc), and writes
 * one line per benchmark to the kernel log and to /proc/rmm_bench (0400):
 *
 *   BENCH <name> rmm_ns=<x> kernel_ns=<y> ratio=<x/y>
 *   BENCH genalloc_90 rmm_ns=<x> genalloc_ns=<y> ratio=<x/y>
 *   BENCH frag rmm_pct=<x> kernel_pct=<y>
 *   BENCH meta rmm_bytes_per_page=<x> kernel_bytes_per_page=<y>
 *   SKIP <name> <reason>          (a benchmark that could not run)
 *   INFO <free text>              (sizes used, for the reader)
 *
 * Every timed figure is ns per operation: ktime_get_ns() around a loop of
 * many operations, one warm-up run first, then the median of `runs` runs.
 * scripts/bench parses these lines; Documentation/bench.rst says what each
 * measures and which SPEC anchor it compares with.  This is never a pass/fail
 * timing test: selftests/guest/test_bench_smoke.sh only checks the format.
 *
 * Invariants (per benchmark, both sides run the same code shape):
 *   pages held by this module == 0 between benchmarks (everything allocated
 *   in a benchmark is freed before the next one starts; unload holds none);
 *   ns/op == elapsed ns of the timed loop / operations actually performed.
 *
 * Context and locking: everything runs in the insmod process (sleepable,
 * migrate_disable()d while a single-CPU loop is timed so the per-CPU lists
 * stay those of one CPU) or in kthreads bound one per CPU (random_free_Ncpu).
 * No lock is held while timing; interrupts are never disabled; preemption is
 * left on (GFP_KERNEL may sleep, and a voluntary-preempt kernel does not
 * preempt a kthread between allocations anyway), outliers are taken care of
 * by the median.  The results buffer is written only by the init path and
 * read by /proc/rmm_bench afterwards (module_init finishes before the proc
 * file exists), so it needs no lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/genalloc.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include <regionmm/regionmm.h>

#define RB_MAX_RUNS	31
#define RB_MAX_THREADS	64
#define RB_MAX_SLAB	4
#define RB_HUGE_ORDER	9	/* 2 MiB blocks (x86_64, 4 KiB pages) */
#define RB_RESULTS_SIZE	8192

/* ---------------------------------------------------------- parameters */

/*
 * iters: operations of each timed pair loop (order0_pair, slab_*_pair).
 * Large enough that ktime_get_ns() granularity and loop overhead vanish;
 * the smoke test sets it tiny.
 */
static unsigned int iters = 20000;
module_param(iters, uint, 0444);
MODULE_PARM_DESC(iters, "operations per timed pair loop (>= 1)");

/* runs: measured runs per figure (median reported); one warm-up run more. */
static unsigned int runs = 5;
module_param(runs, uint, 0444);
MODULE_PARM_DESC(runs, "measured runs per figure, median reported (1..31)");

/* bulk_n: pages (bulk_*) or objects (slab_*_bulk) held at once. */
static unsigned int bulk_n = 4096;
module_param(bulk_n, uint, 0444);
MODULE_PARM_DESC(bulk_n, "allocations held at once by bulk benchmarks (>= 1)");

/*
 * rand_n / rand_max_order: allocations per CPU of random_free (orders
 * uniform in 0..rand_max_order); long enough that one run's free loop is
 * well above timer noise; capped at run time so that the blocks of all CPUs
 * fit in 40 % of regionmm's free memory at once.
 */
static unsigned int rand_n = 8192;
module_param(rand_n, uint, 0444);
MODULE_PARM_DESC(rand_n, "allocations per CPU in random_free (>= 1; capped so all CPUs' blocks use <= 40% of the region)");
static unsigned int rand_max_order = 3;
module_param(rand_max_order, uint, 0444);
MODULE_PARM_DESC(rand_max_order, "highest order random_free allocates (0..9)");

/* max_cpus: highest CPU count of random_free_<n>cpu (0: all online). */
static unsigned int max_cpus;
module_param(max_cpus, uint, 0444);
MODULE_PARM_DESC(max_cpus, "highest CPU count for random_free_<n>cpu (0 = all online)");

/* order9_iters: order-9 pairs per run (each moves 2 MiB of bookkeeping). */
static unsigned int order9_iters = 2000;
module_param(order9_iters, uint, 0444);
MODULE_PARM_DESC(order9_iters, "order-9 alloc+free pairs per run (>= 1)");

/* slab_sizes: object sizes of the slab_<size>_{pair,bulk} lines (issue #4). */
static unsigned int slab_sizes[RB_MAX_SLAB] = { 64, 1024 };
static int nr_slab_sizes = 2;
module_param_array(slab_sizes, uint, &nr_slab_sizes, 0444);
MODULE_PARM_DESC(slab_sizes, "object sizes for slab_<size>_* (8..4096, up to 4)");

/*
 * frag_*: the LLFree "frag" benchmark: fill frag_fill_pct % of the free
 * memory with order-0 pages, free half of them, then frag_rounds rounds of
 * freeing and re-allocating frag_realloc_pct % of the held pages at random.
 * frag_max_pages caps the fill (0: no cap) so the smoke test stays tiny.
 */
static unsigned int frag_rounds = 100;
module_param(frag_rounds, uint, 0444);
MODULE_PARM_DESC(frag_rounds, "free/re-allocate rounds of frag (>= 1)");
static unsigned int frag_fill_pct = 90;
module_param(frag_fill_pct, uint, 0444);
MODULE_PARM_DESC(frag_fill_pct, "percent of free memory frag fills (1..95)");
static unsigned int frag_realloc_pct = 10;
module_param(frag_realloc_pct, uint, 0444);
MODULE_PARM_DESC(frag_realloc_pct, "percent of held pages re-allocated per round (1..100)");
static unsigned long frag_max_pages;
module_param(frag_max_pages, ulong, 0444);
MODULE_PARM_DESC(frag_max_pages, "cap on pages frag fills per side (0 = none)");

/*
 * ga_*: genalloc_90: churn operations per run at 90 % full, and a cap on
 * the pool (0: as much of the region as regionmm hands out in 2 MiB blocks).
 */
static unsigned int ga_iters = 2000;
module_param(ga_iters, uint, 0444);
MODULE_PARM_DESC(ga_iters, "free+alloc pairs per run of genalloc_90 (>= 1)");
static unsigned long ga_max_pages;
module_param(ga_max_pages, ulong, 0444);
MODULE_PARM_DESC(ga_max_pages, "cap on the genalloc pool and rmm fill, pages (0 = none)");

/* benches: which benchmarks run (comma list) so a run can be focused. */
static char *benches = "all";
module_param(benches, charp, 0444);
MODULE_PARM_DESC(benches, "all or a comma list of: order0_pair,bulk,random_free,order9_pair,slab,genalloc,frag,meta (\"all\"), compact_order9 (only when named: scripts/bench-guest.sh sets it up)");

/* seed: PRNG seed, so two runs shuffle the same way. */
static unsigned long seed = 42;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "random seed of the shuffles (any value)");

enum {
	B_ORDER0	= 1 << 0,
	B_BULK		= 1 << 1,
	B_RANDOM	= 1 << 2,
	B_ORDER9	= 1 << 3,
	B_SLAB		= 1 << 4,
	B_GENALLOC	= 1 << 5,
	B_FRAG		= 1 << 6,
	B_META		= 1 << 7,
	B_ALL		= (1 << 8) - 1,
	/* not in "all": needs the fragmenting setup of bench-guest.sh */
	B_COMPACT9	= 1 << 8,
};

static const char * const bench_names[] = {
	"order0_pair", "bulk", "random_free", "order9_pair", "slab",
	"genalloc", "frag", "meta", "compact_order9",
};

/*
 * compact_side / compact_n: compact_order9 (scripts/bench-guest.sh) makes
 * compact_n order-9 allocations on one side ("rmm" or "kernel") while a
 * process holds fragmented movable memory there, so that they succeed
 * only through direct compaction; it prints one INFO line per side and
 * the script pairs them into the BENCH line.
 */
static char *compact_side = "rmm";
module_param(compact_side, charp, 0444);
MODULE_PARM_DESC(compact_side, "compact_order9: rmm or kernel");
static unsigned int compact_n = 16;
module_param(compact_n, uint, 0444);
MODULE_PARM_DESC(compact_n, "compact_order9: order-9 allocations made (1..4096)");

/* ------------------------------------------------------------- results */

static char *results;
static size_t results_len;
static struct proc_dir_entry *proc_entry;

static __printf(1, 2) void emit(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pr_info("%s\n", line);
	if (results && results_len + n + 2 < RB_RESULTS_SIZE) {
		memcpy(results + results_len, line, n);
		results_len += n;
		results[results_len++] = '\n';
		results[results_len] = '\0';
	}
}

/* ns with one decimal, from picoseconds */
struct rb_fix {
	char s[32];
};

static struct rb_fix fmt_ns(u64 ps)
{
	struct rb_fix f;

	ps += 50;	/* round to 0.1 ns */
	snprintf(f.s, sizeof(f.s), "%llu.%llu", ps / 1000, (ps % 1000) / 100);
	return f;
}

/* three decimals; six when that would print 0.000 (a tiny ratio stays > 0) */
static struct rb_fix fmt_ratio(u64 a, u64 b)
{
	struct rb_fix f;
	u64 r = b ? div64_u64(a * 1000000 + b / 2, b) : 0;

	if (r && r < 1000)
		snprintf(f.s, sizeof(f.s), "0.%06llu", r);
	else
		snprintf(f.s, sizeof(f.s), "%llu.%03llu", (r + 500) / 1000000,
			 ((r + 500) / 1000) % 1000);
	return f;
}

static void emit_pair(const char *name, u64 rmm_ps, u64 k_ps,
		      const char *kname)
{
	if (!rmm_ps || !k_ps) {
		emit("SKIP %s a side measured 0 ns (loop too short?)", name);
		return;
	}
	emit("BENCH %s rmm_ns=%s %s_ns=%s ratio=%s", name, fmt_ns(rmm_ps).s,
	     kname, fmt_ns(k_ps).s, fmt_ratio(rmm_ps, k_ps).s);
}

/* ------------------------------------------------------------- helpers */

static u64 rng_state;

static inline u64 rb_rand(u64 *s)	/* xorshift64* */
{
	u64 x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static inline u32 rb_below(u64 *s, u32 n)
{
	return (u32)(((rb_rand(s) >> 32) * (u64)n) >> 32);
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static u64 median(u64 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), cmp_u64, NULL);
	return n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static inline u64 ps_per_op(u64 ns, u64 ops)
{
	return ops ? div64_u64(ns * 1000, ops) : 0;
}

/* the same gfp on both sides */
#define K_GFP		(GFP_KERNEL | __GFP_NOWARN)
#define R_GFP		(RMM_GFP_KERNEL | RMM___GFP_NOWARN)
#define K_GFP_FILL	(GFP_HIGHUSER_MOVABLE | __GFP_NORETRY | __GFP_NOWARN)
#define R_GFP_FILL	(RMM_GFP_HIGHUSER_MOVABLE | RMM___GFP_NORETRY | \
			 RMM___GFP_NOWARN)

static bool bench_failed;	/* an allocation failed inside a timed loop */

/*
 * A timed function returns elapsed ps per operation of one run (0 and
 * bench_failed on allocation failure).
 */
typedef u64 (*rb_fn)(void *arg);

/* one warm-up run, then one measured run (genalloc_90 repeats the fills) */
static u64 __maybe_unused warm_and_time(rb_fn fn, void *arg)
{
	u64 v;

	bench_failed = false;
	fn(arg);
	v = fn(arg);
	return bench_failed ? 0 : v;
}

/*
 * Both sides, interleaved: warm-up of each, then regionmm, kernel, regionmm,
 * kernel ... so that drift (other guest activity, the host) hits both alike
 * and neither side always runs on the state the other left.  *r / *k are 0
 * when that side failed to allocate.
 */
static void run_medians(rb_fn rfn, void *rarg, rb_fn kfn, void *karg,
			u64 *r, u64 *k)
{
	u64 vr[RB_MAX_RUNS], vk[RB_MAX_RUNS];
	bool rfail, kfail;
	unsigned int i;

	bench_failed = false;
	rfn(rarg);
	rfail = bench_failed;
	bench_failed = false;
	kfn(karg);
	kfail = bench_failed;
	for (i = 0; i < runs && !rfail && !kfail; i++) {
		bench_failed = false;
		vr[i] = rfn(rarg);
		rfail = bench_failed;
		bench_failed = false;
		vk[i] = kfn(karg);
		kfail = bench_failed;
		cond_resched();
	}
	*r = rfail ? 0 : median(vr, runs);
	*k = kfail ? 0 : median(vk, runs);
}

/*
 * The timed loops, written once for both sides.  They are macros, not
 * functions taking callbacks, so that each side's allocation and free stay
 * direct calls inside the loop: an indirect call per operation would be
 * timed too, and would cost the two sides differently.  `alloc` and `free`
 * are the side's expressions; `p` (the caller's variable) holds the object
 * between them.  Each loop runs migrate_disable()d, stops at the first
 * failed allocation with bench_failed set, and yields ps per operation
 * actually done.
 */

/* nr alloc+free pairs of the same object, the pcp/cpu-cache hot path */
#define RB_TIME_PAIRS(nr, p, alloc, free)				\
({									\
	unsigned int __i;						\
	u64 __t;							\
									\
	migrate_disable();						\
	__t = ktime_get_ns();						\
	for (__i = 0; __i < (nr); __i++) {				\
		p = (alloc);						\
		if (unlikely(!p)) {					\
			bench_failed = true;				\
			break;						\
		}							\
		free;							\
	}								\
	__t = ktime_get_ns() - __t;					\
	migrate_enable();						\
	ps_per_op(__t, __i);						\
})

/*
 * bulk_n allocations into v[], then the frees of all of them (`free` of
 * p = v[i]), ps per object.  split (a constant): the two loops are timed
 * apart, the value is the allocations' figure and the frees' goes to
 * *free_ps (bulk_alloc / bulk_free); otherwise one interval covers both
 * loops (slab_*_bulk: alloc + free) and free_ps is NULL.
 */
#define RB_TIME_BULK(v, p, alloc, free, split, free_ps)		\
({									\
	unsigned int __i, __n;						\
	u64 __t, __ta = 0;						\
									\
	migrate_disable();						\
	__t = ktime_get_ns();						\
	for (__n = 0; __n < bulk_n; __n++) {				\
		(v)[__n] = (alloc);					\
		if (unlikely(!(v)[__n])) {				\
			bench_failed = true;				\
			break;						\
		}							\
	}								\
	if (split) {							\
		__ta = ktime_get_ns() - __t;				\
		__t = ktime_get_ns();					\
	}								\
	for (__i = 0; __i < __n; __i++) {				\
		p = (v)[__i];						\
		free;							\
	}								\
	__t = ktime_get_ns() - __t;					\
	migrate_enable();						\
	if (split)							\
		*(u64 *)(free_ps) = ps_per_op(__t, __n);		\
	ps_per_op((split) ? __ta : __t, __n);				\
})

/* ------------------------------------------------------- order0_pair */

static u64 k_order0_pair(void *arg)
{
	struct page *p;

	return RB_TIME_PAIRS(iters, p, alloc_page(K_GFP), __free_page(p));
}

static u64 r_order0_pair(void *arg)
{
	struct rmm_page *p;

	return RB_TIME_PAIRS(iters, p, rmm_alloc_page(R_GFP), rmm_free_page(p));
}

/* both sides of an order-N pair benchmark, a SKIP line naming the failure */
static void bench_pairs(const char *name, rb_fn rfn, rb_fn kfn,
			const char *rfailed, const char *kfailed)
{
	u64 r, k;

	run_medians(rfn, NULL, kfn, NULL, &r, &k);
	if (!r) {
		emit("SKIP %s %s", name, rfailed);
		return;
	}
	if (!k) {
		emit("SKIP %s %s", name, kfailed);
		return;
	}
	emit_pair(name, r, k, "kernel");
}

static void bench_order0(void)
{
	bench_pairs("order0_pair", r_order0_pair, k_order0_pair,
		    "rmm_alloc_page failed", "alloc_page failed");
}

/* ------------------------------------------------------- order9_pair */

static u64 k_order9_pair(void *arg)
{
	struct page *p;

	return RB_TIME_PAIRS(order9_iters, p, alloc_pages(K_GFP, 9),
			     __free_pages(p, 9));
}

static u64 r_order9_pair(void *arg)
{
	struct rmm_page *p;

	return RB_TIME_PAIRS(order9_iters, p,
			     rmm_alloc_pages(RMM_NUMA_NO_NODE, 9, R_GFP),
			     rmm_free_pages(p, 9));
}

static void bench_order9(void)
{
	bench_pairs("order9_pair", r_order9_pair, k_order9_pair,
		    "rmm order-9 allocation failed",
		    "kernel order-9 allocation failed");
}

/* -------------------------------------------------------------- bulk */

struct bulk_arg {
	void **v;
	u64 free_ps;	/* out: ps per free of the run just done */
	u64 free_runs[RB_MAX_RUNS + 1];
	unsigned int run;
};

/* ps per allocation; the run's ps per free goes to b->free_runs[] */
static u64 k_bulk(void *arg)
{
	struct bulk_arg *b = arg;
	struct page **v = (struct page **)b->v, *p;

	return RB_TIME_BULK(v, p, alloc_page(K_GFP), __free_page(p), true,
			    &b->free_runs[b->run++ % (RB_MAX_RUNS + 1)]);
}

static u64 r_bulk(void *arg)
{
	struct bulk_arg *b = arg;
	struct rmm_page **v = (struct rmm_page **)b->v, *p;

	return RB_TIME_BULK(v, p, rmm_alloc_page(R_GFP), rmm_free_page(p),
			    true, &b->free_runs[b->run++ % (RB_MAX_RUNS + 1)]);
}

/* median of the free figures of the measured runs (run 0 is the warm-up) */
static u64 bulk_free_median(struct bulk_arg *b)
{
	return b->run > 1 ? median(&b->free_runs[1], b->run - 1) : 0;
}

static void bench_bulk(void)
{
	struct bulk_arg rb = { }, kb = { };
	u64 ra, rf, ka, kf;

	rb.v = kvmalloc_array(bulk_n, sizeof(void *), GFP_KERNEL);
	kb.v = kvmalloc_array(bulk_n, sizeof(void *), GFP_KERNEL);
	if (!rb.v || !kb.v) {
		emit("SKIP bulk_alloc no memory for %u pointers", bulk_n);
		goto out;
	}
	run_medians(r_bulk, &rb, k_bulk, &kb, &ra, &ka);
	rf = bulk_free_median(&rb);
	kf = bulk_free_median(&kb);
	if (!ra || !ka) {
		emit("SKIP bulk_alloc %s could not allocate %u pages",
		     ra ? "kernel" : "rmm", bulk_n);
	} else {
		emit_pair("bulk_alloc", ra, ka, "kernel");
		emit_pair("bulk_free", rf, kf, "kernel");
	}
out:
	kvfree(rb.v);
	kvfree(kb.v);
}

/* ---------------------------------------------------- random_free_Ncpu */

static int read_buddyinfo(const char *path, u64 *free_pages, u64 *huge);
static int sum_zoneinfo(const char *path, const char * const *keys,
			u64 *sums, int nkeys);
#ifndef RB_R_BUDDYINFO		/* overridable to try the harness alone */
#define RB_R_BUDDYINFO "/proc/regionmm/buddyinfo"
#define RB_R_ZONEINFO "/proc/regionmm/zoneinfo"
#endif
#define R_BUDDYINFO RB_R_BUDDYINFO

struct rf_run {
	bool rmm;
	unsigned int nthreads;
	unsigned int n;		/* allocations per thread (rand_n, capped) */
	void **pages;		/* nthreads * n, slice t belongs to thread t */
	u8 *orders;		/* order of pages[i] */
	atomic_t bar[2];
	atomic_t failed;
	u64 ps[RB_MAX_THREADS];
	struct completion done;
	u64 seed;
};

struct rf_thread {
	struct rf_run *run;
	unsigned int idx;
};

static struct rf_thread rf_threads[RB_MAX_THREADS];

/* all threads of a run meet here; spins, but yields when asked to */
static void rf_barrier(atomic_t *b, unsigned int n)
{
	atomic_inc(b);
	while (atomic_read(b) < n) {
		cpu_relax();
		cond_resched();
	}
}

static void rf_alloc_slice(struct rf_run *r, unsigned int idx)
{
	u64 s = r->seed + idx * 7919;
	unsigned int i, base = idx * r->n;

	for (i = base; i < base + r->n; i++) {
		unsigned int o = rb_below(&s, rand_max_order + 1);

		r->orders[i] = o;
		if (r->rmm)
			r->pages[i] = rmm_alloc_pages(RMM_NUMA_NO_NODE, o,
						      R_GFP);
		else
			r->pages[i] = alloc_pages(K_GFP, o);
		if (!r->pages[i])
			atomic_inc(&r->failed);
	}
}

/* Fisher-Yates over all slices: each CPU frees pages of every CPU */
static void rf_shuffle(struct rf_run *r)
{
	unsigned int n = r->nthreads * r->n, i, j;
	u64 s = r->seed;

	for (i = n - 1; i > 0; i--) {
		j = rb_below(&s, i + 1);
		swap(r->pages[i], r->pages[j]);
		swap(r->orders[i], r->orders[j]);
	}
}

/*
 * Free this thread's slice with `free` (a direct call per page, as in the
 * other timed loops); how many pages were freed.
 */
#define RF_FREE_SLICE(r, base, free)					\
({									\
	unsigned int __i, __ops = 0;					\
									\
	for (__i = (base); __i < (base) + (r)->n; __i++) {		\
		if (likely((r)->pages[__i])) {				\
			free((r)->pages[__i], (r)->orders[__i]);	\
			__ops++;					\
		}							\
	}								\
	__ops;								\
})

static int rf_thread_fn(void *arg)
{
	struct rf_thread *th = arg;
	struct rf_run *r = th->run;
	unsigned int base = th->idx * r->n, ops;
	u64 t;

	rf_alloc_slice(r, th->idx);
	rf_barrier(&r->bar[0], r->nthreads);
	if (th->idx == 0)
		rf_shuffle(r);
	rf_barrier(&r->bar[1], r->nthreads);

	t = ktime_get_ns();
	if (r->rmm)
		ops = RF_FREE_SLICE(r, base, rmm_free_pages);
	else
		ops = RF_FREE_SLICE(r, base, __free_pages);
	t = ktime_get_ns() - t;
	r->ps[th->idx] = ps_per_op(t, ops);
	kthread_complete_and_exit(&r->done, 0);
}

/*
 * One run on `nthreads` CPUs: mean of the threads' ps per free.  All threads
 * are created before any is woken, so a creation failure leaves no thread
 * waiting at a barrier and no page allocated.
 */
static u64 rf_once(struct rf_run *r, const unsigned int *cpus)
{
	struct task_struct *k[RB_MAX_THREADS];
	unsigned int t;
	u64 sum = 0;

	atomic_set(&r->bar[0], 0);
	atomic_set(&r->bar[1], 0);
	atomic_set(&r->failed, 0);
	init_completion(&r->done);
	r->seed = rng_state = rng_state * 6364136223846793005ULL + 1;

	for (t = 0; t < r->nthreads; t++) {
		rf_threads[t].run = r;
		rf_threads[t].idx = t;
		k[t] = kthread_create(rf_thread_fn, &rf_threads[t],
				      "rmm_bench/%u", cpus[t]);
		if (IS_ERR(k[t])) {
			while (t--)
				kthread_stop(k[t]);	/* never ran */
			bench_failed = true;
			return 0;
		}
		kthread_bind(k[t], cpus[t]);
	}
	for (t = 0; t < r->nthreads; t++)
		wake_up_process(k[t]);
	/* wake up every second: a slow TCG run is not a hung task */
	for (t = 0; t < r->nthreads; t++)
		while (!wait_for_completion_timeout(&r->done, HZ))
			;
	if (atomic_read(&r->failed))
		bench_failed = true;
	for (t = 0; t < r->nthreads; t++)
		sum += r->ps[t];
	return div64_u64(sum, r->nthreads);
}

/* regionmm and kernel runs interleaved, as run_medians() does */
static void rf_medians(struct rf_run *r, const unsigned int *cpus,
		       u64 *rp, u64 *kp)
{
	u64 vr[RB_MAX_RUNS], vk[RB_MAX_RUNS];
	bool rfail = false, kfail = false;
	unsigned int i;

	for (i = 0; i <= runs && !rfail && !kfail; i++) {	/* 0: warm-up */
		bench_failed = false;
		r->rmm = true;
		vr[i ? i - 1 : 0] = rf_once(r, cpus);
		rfail = bench_failed;
		bench_failed = false;
		r->rmm = false;
		vk[i ? i - 1 : 0] = rf_once(r, cpus);
		kfail = bench_failed;
	}
	*rp = rfail ? 0 : median(vr, runs);
	*kp = kfail ? 0 : median(vk, runs);
}

static void bench_random(void)
{
	unsigned int cpus[RB_MAX_THREADS], ncpu = 0, c;
	u64 free0, huge;
	struct rf_run *r;
	int cpu;

	for_each_online_cpu(cpu) {
		if (ncpu == RB_MAX_THREADS)
			break;
		cpus[ncpu++] = cpu;
	}
	if (max_cpus && max_cpus < ncpu)
		ncpu = max_cpus;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		goto nomem;
	r->n = rand_n;
	if (!read_buddyinfo(R_BUDDYINFO, &free0, &huge)) {
		/* mean pages a block: (2^(m+1) - 1) / (m + 1) */
		u64 avg = DIV_ROUND_UP((2ULL << rand_max_order) - 1,
				       rand_max_order + 1);
		u64 cap = div64_u64(free0 * 2 / 5, (u64)ncpu * avg);

		if (cap < r->n) {
			r->n = max_t(u64, cap, 1);
			emit("INFO random_free: %u blocks per CPU (rand_n capped to fit the region)",
			     r->n);
		}
	}
	r->pages = kvcalloc((size_t)ncpu * r->n, sizeof(void *), GFP_KERNEL);
	r->orders = kvcalloc((size_t)ncpu * r->n, 1, GFP_KERNEL);
	if (!r->pages || !r->orders)
		goto nomem;

	/* 1, 2, 3, 4, then powers of two, and always the number online */
	for (c = 1; c <= ncpu; c = c < 4 ? c + 1 : min(c * 2, ncpu + (c == ncpu))) {
		u64 rp, kp;
		char name[32];

		r->nthreads = c;
		rf_medians(r, cpus, &rp, &kp);
		snprintf(name, sizeof(name), "random_free_%ucpu", c);
		if (!rp || !kp)
			emit("SKIP %s %s could not allocate %u x %u blocks",
			     name, rp ? "kernel" : "rmm", c, r->n);
		else
			emit_pair(name, rp, kp, "kernel");
	}
	if (ncpu == 1)
		emit("INFO random_free: only one CPU online, no scaling figure");
	goto out;
nomem:
	emit("SKIP random_free no memory for the page arrays");
out:
	if (r) {
		kvfree(r->pages);
		kvfree(r->orders);
		kfree(r);
	}
}

/* -------------------------------------------------------------- slab */

struct slab_arg {
	struct kmem_cache *kc;
	struct rmm_cache *rc;
	void **v;
};

static u64 k_slab_pair(void *arg)
{
	struct slab_arg *s = arg;
	void *o;

	return RB_TIME_PAIRS(iters, o, kmem_cache_alloc(s->kc, GFP_KERNEL),
			     kmem_cache_free(s->kc, o));
}

static u64 r_slab_pair(void *arg)
{
	struct slab_arg *s = arg;
	void *o;

	return RB_TIME_PAIRS(iters, o, rmm_cache_alloc(s->rc, RMM_GFP_KERNEL),
			     rmm_cache_free(s->rc, o));
}

/* bulk: bulk_n allocations then bulk_n frees; ns per object (alloc+free) */
static u64 k_slab_bulk(void *arg)
{
	struct slab_arg *s = arg;
	void *o;

	return RB_TIME_BULK(s->v, o, kmem_cache_alloc(s->kc, GFP_KERNEL),
			    kmem_cache_free(s->kc, o), false, NULL);
}

static u64 r_slab_bulk(void *arg)
{
	struct slab_arg *s = arg;
	void *o;

	return RB_TIME_BULK(s->v, o, rmm_cache_alloc(s->rc, RMM_GFP_KERNEL),
			    rmm_cache_free(s->rc, o), false, NULL);
}

static void bench_slab_size(unsigned int size)
{
	struct slab_arg s = { };
	char name[32];
	u64 rp, kp, rb, kb;

	/* distinct names: a kernel with DEBUG_VM warns about duplicates */
	snprintf(name, sizeof(name), "rmm_bench_k%u", size);
	s.kc = kmem_cache_create(name, size, 0, 0, NULL);
	snprintf(name, sizeof(name), "rmm_bench_%u", size);
	s.rc = rmm_cache_create(name, size, 0, 0, NULL);
	s.v = kvmalloc_array(bulk_n, sizeof(void *), GFP_KERNEL);
	if (!s.v || !s.kc || IS_ERR_OR_NULL(s.rc)) {
		emit("SKIP slab_%u_pair could not create the caches", size);
		goto out;
	}
	run_medians(r_slab_pair, &s, k_slab_pair, &s, &rp, &kp);
	run_medians(r_slab_bulk, &s, k_slab_bulk, &s, &rb, &kb);
	snprintf(name, sizeof(name), "slab_%u_pair", size);
	emit_pair(name, rp, kp, "kernel");
	snprintf(name, sizeof(name), "slab_%u_bulk", size);
	emit_pair(name, rb, kb, "kernel");
out:
	if (!IS_ERR_OR_NULL(s.rc) && rmm_cache_destroy(s.rc))
		pr_err("rmm_cache_destroy(%u) refused: objects leaked?\n",
		       size);
	kmem_cache_destroy(s.kc);
	kvfree(s.v);
}

static void bench_slab(void)
{
	int i;

	for (i = 0; i < nr_slab_sizes; i++)
		bench_slab_size(slab_sizes[i]);
}

/* ----------------------------------------------- buddyinfo free counts */

/*
 * A /proc text file, whole (up to size - 1 bytes), NUL-terminated, in a
 * kvmalloc()ed buffer the caller kvfree()s; ERR_PTR on failure.
 */
static char *read_proc_file(const char *path, size_t size)
{
	size_t len = 0;
	struct file *f;
	loff_t pos = 0;
	ssize_t n;
	char *buf;

	buf = kvmalloc(size, GFP_KERNEL);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f)) {
		kvfree(buf);
		return ERR_CAST(f);
	}
	while (len < size - 1) {
		n = kernel_read(f, buf + len, size - 1 - len, &pos);
		if (n <= 0)
			break;
		len += n;
	}
	filp_close(f, NULL);
	buf[len] = '\0';
	return buf;
}

/*
 * Sum a buddyinfo file (the kernel's /proc/buddyinfo or regionmm's
 * /proc/regionmm/buddyinfo, which prints the same format) over every zone:
 * free pages, and free pages that sit in blocks of order >= 9 (2 MiB).
 * Both sides are counted by the same parser from the same format.
 */
static int read_buddyinfo(const char *path, u64 *free_pages, u64 *huge)
{
	char *buf, *p, *line;

	*free_pages = 0;
	*huge = 0;
	buf = read_proc_file(path, 16384);
	if (IS_ERR(buf))
		return PTR_ERR(buf);

	p = buf;
	while ((line = strsep(&p, "\n")) != NULL) {
		char *s = strstr(line, "zone");
		unsigned int order = 0;

		if (!s)
			continue;
		s += 4;
		s = skip_spaces(s);
		while (*s && !isspace(*s))	/* zone name */
			s++;
		for (;;) {
			u64 v = 0;

			s = skip_spaces(s);
			if (!isdigit(*s))
				break;
			while (isdigit(*s))
				v = v * 10 + (*s++ - '0');
			*free_pages += v << order;
			if (order >= RB_HUGE_ORDER)
				*huge += v << order;
			order++;
		}
	}
	kvfree(buf);
	return *free_pages ? 0 : -ENODATA;
}

#define K_BUDDYINFO "/proc/buddyinfo"

/* -------------------------------------------------------------- frag */

/* frag's order-0 page on either side (not timed: a branch per call is fine) */
static void *frag_alloc(bool rmm)
{
	return rmm ? (void *)rmm_alloc_page(R_GFP_FILL) :
		     (void *)alloc_page(K_GFP_FILL);
}

static void frag_free(bool rmm, void *page)
{
	if (rmm)
		rmm_free_page(page);
	else
		__free_page(page);
}

/*
 * One side of LLFree's frag: fill, shuffle, free half, rounds.  Returns the
 * percentage of free memory in free 2 MiB blocks after the last round, in
 * tenths of a percent, or -errno.
 */
static long frag_side(bool rmm, unsigned long *filled)
{
	const char *bi = rmm ? R_BUDDYINFO : K_BUDDYINFO;
	u64 free0, huge, s = seed;
	unsigned long n, held, i, j, want, round;
	void **v;
	long ret;

	ret = read_buddyinfo(bi, &free0, &huge);
	if (ret)
		return ret;
	want = div64_u64(free0 * frag_fill_pct, 100);
	if (frag_max_pages && want > frag_max_pages)
		want = frag_max_pages;
	v = vmalloc(array_size(want, sizeof(void *)));
	if (!v)
		return -ENOMEM;

	for (n = 0; n < want; n++) {
		v[n] = frag_alloc(rmm);
		if (!v[n])
			break;
		if (!(n & 1023))
			cond_resched();
	}
	*filled = n;
	ret = -ENOMEM;
	if (n < 4)
		goto out;
	for (i = n - 1; i > 0; i--) {
		j = rb_below(&s, i + 1);
		swap(v[i], v[j]);
	}
	held = n / 2;
	for (i = held; i < n; i++)
		frag_free(rmm, v[i]);
	n = held;

	want = max(1UL, held * frag_realloc_pct / 100);
	for (round = 0; round < frag_rounds; round++) {
		u64 s2 = s;

		for (i = 0; i < want;) {
			j = rb_below(&s, held);
			if (!v[j])
				continue;
			frag_free(rmm, v[j]);
			v[j] = NULL;
			i++;
		}
		/* re-allocate the same slots, in the same random order */
		for (i = 0; i < want;) {
			j = rb_below(&s2, held);
			if (v[j])
				continue;
			v[j] = frag_alloc(rmm);
			if (!v[j])
				goto out;	/* out of memory: frees the rest */
			i++;
		}
		cond_resched();
	}
	ret = read_buddyinfo(bi, &free0, &huge);
	if (!ret) {
		static const char * const keys[] = { "count: " };
		u64 pcp = 0;

		ret = (long)div64_u64(huge * 1000, free0);
		sum_zoneinfo(rmm ? RB_R_ZONEINFO : "/proc/zoneinfo", keys,
			     &pcp, 1);
		emit("INFO frag %s: %llu free pages in buddyinfo, %llu of them in blocks of order >= 9; %llu pages on per-CPU lists",
		     rmm ? "rmm" : "kernel", free0, huge, pcp);
	}
out:
	for (i = 0; i < n; i++)
		if (v[i])
			frag_free(rmm, v[i]);
	vfree(v);
	return ret;
}

static void bench_frag(void)
{
	unsigned long rn = 0, kn = 0;
	long r, k;

	r = frag_side(true, &rn);
	k = frag_side(false, &kn);
	emit("INFO frag filled rmm=%lu kernel=%lu pages, %u rounds of %u%%",
	     rn, kn, frag_rounds, frag_realloc_pct);
	if (r < 0 || k < 0) {
		emit("SKIP frag %s side failed (%ld)", r < 0 ? "rmm" : "kernel",
		     r < 0 ? r : k);
		return;
	}
	emit("BENCH frag rmm_pct=%ld.%ld kernel_pct=%ld.%ld",
	     r / 10, r % 10, k / 10, k % 10);
}

/* ------------------------------------------------------- genalloc_90 */

/*
 * genalloc_90: the regionmm zone filled to 90 % with order-0 pages, against
 * a genalloc pool made of the same region (regionmm's own memory, taken
 * from it in 2 MiB blocks, coalesced into physically contiguous chunks as a
 * carveout driver would add them) filled to 90 % with 4 KiB chunks.  Both
 * are filled front to back, then timed on churn: free a random held
 * allocation and allocate one, ns per free+alloc pair.
 */
struct ga_arg {
	unsigned long *held;	/* genalloc addresses or rmm pages */
	unsigned long n;
	struct gen_pool *pool;
	u64 s;
};

#if IS_ENABLED(CONFIG_GENERIC_ALLOCATOR)
/*
 * ga_iters churn operations: free the allocation held in a random slot
 * (`free` of held[j]), allocate one into it (`alloc`, the caller's p).
 */
#define RB_TIME_CHURN(g, j, p, free, alloc)				\
({									\
	unsigned int __i;						\
	u64 __t;							\
									\
	migrate_disable();						\
	__t = ktime_get_ns();						\
	for (__i = 0; __i < ga_iters; __i++) {				\
		unsigned long j = rb_below(&(g)->s, (g)->n);		\
									\
		free;							\
		p = (alloc);						\
		(g)->held[j] = (unsigned long)p;			\
		if (unlikely(!p)) {					\
			bench_failed = true;				\
			break;						\
		}							\
	}								\
	__t = ktime_get_ns() - __t;					\
	migrate_enable();						\
	ps_per_op(__t, __i);						\
})

static u64 r_ga_churn(void *arg)
{
	struct ga_arg *g = arg;
	struct rmm_page *p;

	return RB_TIME_CHURN(g, j, p,
			     rmm_free_page((struct rmm_page *)g->held[j]),
			     rmm_alloc_page(R_GFP));
}

static u64 g_ga_churn(void *arg)
{
	struct ga_arg *g = arg;
	unsigned long a;

	return RB_TIME_CHURN(g, j, a,
			     gen_pool_free(g->pool, g->held[j], PAGE_SIZE),
			     gen_pool_alloc(g->pool, PAGE_SIZE));
}

static int cmp_pfn(const void *a, const void *b)
{
	u64 x = rmm_page_to_pfn(*(struct rmm_page * const *)a);
	u64 y = rmm_page_to_pfn(*(struct rmm_page * const *)b);

	return x < y ? -1 : x > y;
}

struct ga_gap {
	unsigned long addr;
	size_t size;
};

/*
 * Put the blocks into the pool.  A carveout driver adds its whole region as
 * one chunk, and genalloc's cost depends on that (full chunks are skipped
 * cheaply, one big bitmap is scanned): so when the blocks' addresses are
 * linear in their pfns (one backend mapping), one chunk spans them all and
 * the pfns regionmm did not hand out (its reserve, its memmap) are marked
 * busy in the pool up front, as a hole in a carveout would be.  Otherwise,
 * one chunk per physically contiguous run.  Returns the pool's pages or 0.
 */
static unsigned long ga_build_pool(struct gen_pool *pool,
				   struct rmm_page **blk, unsigned long nblk,
				   struct ga_gap *gaps, unsigned long *ngaps,
				   unsigned long *gap_pages,
				   unsigned int *nchunks)
{
	const unsigned long bp = 1UL << RB_HUGE_ORDER;
	u64 pfn0 = rmm_page_to_pfn(blk[0]), prev, pfn;
	void *va0 = rmm_page_address(blk[0]);
	unsigned long i, start, span;
	bool linear = true;

	*ngaps = 0;
	*gap_pages = 0;
	*nchunks = 0;
	for (i = 1; i < nblk && linear; i++)
		linear = rmm_page_address(blk[i]) ==
			 va0 + ((rmm_page_to_pfn(blk[i]) - pfn0) << PAGE_SHIFT);
	if (linear) {
		span = rmm_page_to_pfn(blk[nblk - 1]) + bp - pfn0;
		if (gen_pool_add_virt(pool, (unsigned long)va0,
				      rmm_page_to_phys(blk[0]),
				      span << PAGE_SHIFT, NUMA_NO_NODE))
			return 0;
		*nchunks = 1;
		for (prev = pfn0, i = 0; i < nblk; prev = pfn + bp, i++) {
			struct genpool_data_fixed d;
			unsigned long a;

			pfn = rmm_page_to_pfn(blk[i]);
			if (pfn == prev)
				continue;
			d.offset = (prev - pfn0) << PAGE_SHIFT;
			a = gen_pool_alloc_algo(pool, (pfn - prev) << PAGE_SHIFT,
						gen_pool_fixed_alloc, &d);
			if (!a)
				return 0;
			gaps[*ngaps].addr = a;
			gaps[*ngaps].size = (pfn - prev) << PAGE_SHIFT;
			(*ngaps)++;
			*gap_pages += pfn - prev;
		}
		return span;
	}
	for (start = 0, i = 1; i <= nblk; i++) {
		if (i < nblk &&
		    rmm_page_to_pfn(blk[i]) == rmm_page_to_pfn(blk[i - 1]) + bp &&
		    rmm_page_address(blk[i]) ==
		    rmm_page_address(blk[i - 1]) + (PAGE_SIZE << RB_HUGE_ORDER))
			continue;
		if (gen_pool_add_virt(pool,
				      (unsigned long)rmm_page_address(blk[start]),
				      rmm_page_to_phys(blk[start]),
				      (i - start) << (PAGE_SHIFT + RB_HUGE_ORDER),
				      NUMA_NO_NODE))
			return 0;
		(*nchunks)++;
		start = i;
	}
	return nblk * bp;
}

/* the genalloc side; the blocks come from (and go back to) regionmm */
static u64 genalloc_side(unsigned long *pool_pages, unsigned int *nchunks)
{
	unsigned long nblk = 0, maxblk, i, ngaps = 0, gap_pages = 0;
	struct ga_arg g = { .s = seed };
	struct rmm_page **blk = NULL;
	struct ga_gap *gaps = NULL;
	u64 ret = 0, free0, huge;

	if (read_buddyinfo(R_BUDDYINFO, &free0, &huge))
		return 0;
	maxblk = (free0 >> RB_HUGE_ORDER) + 1;
	if (ga_max_pages)
		maxblk = min(maxblk, (ga_max_pages >> RB_HUGE_ORDER) + 1);
	blk = kvcalloc(maxblk, sizeof(*blk), GFP_KERNEL);
	gaps = kvcalloc(maxblk, sizeof(*gaps), GFP_KERNEL);
	if (!blk || !gaps)
		goto out;
	while (nblk < maxblk) {
		blk[nblk] = rmm_alloc_pages(RMM_NUMA_NO_NODE, RB_HUGE_ORDER,
					    R_GFP);
		if (!blk[nblk])
			break;
		nblk++;
	}
	if (!nblk)
		goto out;
	sort(blk, nblk, sizeof(*blk), cmp_pfn, NULL);

	g.pool = gen_pool_create(PAGE_SHIFT, NUMA_NO_NODE);
	if (!g.pool)
		goto out;
	*pool_pages = ga_build_pool(g.pool, blk, nblk, gaps, &ngaps,
				    &gap_pages, nchunks);
	if (!*pool_pages)
		goto out_pool;
	/* 90 % of the pool busy, the holes included */
	g.n = *pool_pages * 90 / 100;
	g.n = g.n > gap_pages ? g.n - gap_pages : 0;
	g.held = vmalloc(array_size(max(g.n, 1UL), sizeof(unsigned long)));
	if (!g.held || !g.n)
		goto out_pool;
	for (i = 0; i < g.n; i++) {
		g.held[i] = gen_pool_alloc(g.pool, PAGE_SIZE);
		if (!g.held[i])
			break;
		if (!(i & 1023))
			cond_resched();
	}
	if (i == g.n)
		ret = warm_and_time(g_ga_churn, &g);
	g.n = i;
	for (i = 0; i < g.n; i++)
		if (g.held[i])
			gen_pool_free(g.pool, g.held[i], PAGE_SIZE);
out_pool:
	vfree(g.held);
	for (i = 0; i < ngaps; i++)
		gen_pool_free(g.pool, gaps[i].addr, gaps[i].size);
	if (g.pool)
		gen_pool_destroy(g.pool);
out:
	for (i = 0; i < nblk; i++)
		rmm_free_pages(blk[i], RB_HUGE_ORDER);
	kvfree(gaps);
	kvfree(blk);
	return ret;
}

static u64 rmm_full_side(unsigned long *pages)
{
	struct ga_arg g = { .s = seed };
	u64 ret = 0, free0, huge;
	unsigned long i;

	if (read_buddyinfo(R_BUDDYINFO, &free0, &huge))
		return 0;
	g.n = div64_u64(free0 * 90, 100);
	if (ga_max_pages)
		g.n = min(g.n, ga_max_pages * 90 / 100);
	g.held = vmalloc(array_size(g.n, sizeof(unsigned long)));
	if (!g.held)
		return 0;
	for (i = 0; i < g.n; i++) {
		g.held[i] = (unsigned long)rmm_alloc_page(R_GFP);
		if (!g.held[i])
			break;
		if (!(i & 1023))
			cond_resched();
	}
	if (i == g.n)
		ret = warm_and_time(r_ga_churn, &g);
	*pages = g.n;
	g.n = i;
	for (i = 0; i < g.n; i++)
		if (g.held[i])
			rmm_free_page((struct rmm_page *)g.held[i]);
	vfree(g.held);
	return ret;
}

#endif /* CONFIG_GENERIC_ALLOCATOR */

static void bench_genalloc(void)
{
#if IS_ENABLED(CONFIG_GENERIC_ALLOCATOR)
	unsigned long rpages = 0, gpages = 0;
	u64 vr[RB_MAX_RUNS], vg[RB_MAX_RUNS], r = 0, g = 0;
	unsigned int nchunks = 0, i;

	/*
	 * The two sides cannot coexist (both need the region), so instead of
	 * interleaving runs, whole rounds alternate: fill regionmm, time,
	 * empty; fill the pool, time, empty; `runs` times; median per side.
	 */
	for (i = 0; i < runs; i++) {
		vr[i] = rmm_full_side(&rpages);
		vg[i] = genalloc_side(&gpages, &nchunks);
		emit("INFO genalloc_90 round %u: rmm %s ns (%lu pages held), genalloc %s ns",
		     i, fmt_ns(vr[i]).s, rpages, fmt_ns(vg[i]).s);
		if (!vr[i] || !vg[i])
			break;
	}
	if (i == runs) {
		r = median(vr, runs);
		g = median(vg, runs);
	} else {
		r = vr[i];
		g = vg[i];
	}
	emit("INFO genalloc_90 rmm held %lu pages; pool %lu pages in %u chunk(s) (regionmm's unhanded pfns busy), 90%% held",
	     rpages, gpages, nchunks);
	if (!r || !g) {
		emit("SKIP genalloc_90 %s side could not be filled",
		     r ? "genalloc" : "rmm");
		return;
	}
	emit_pair("genalloc_90", r, g, "genalloc");
#else
	emit("SKIP genalloc_90 kernel built without CONFIG_GENERIC_ALLOCATOR");
#endif
}

/* -------------------------------------------------------------- meta */

/*
 * Sum, over a zoneinfo file, the numbers that follow each of `keys` (with
 * their delimiter, e.g. "present " or "count: ") at the start of a line.
 */
static int sum_zoneinfo(const char *path, const char * const *keys,
			u64 *sums, int nkeys)
{
	char *buf, *p, *line;
	int k;

	memset(sums, 0, nkeys * sizeof(*sums));
	buf = read_proc_file(path, 262144);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	p = buf;
	while ((line = strsep(&p, "\n")) != NULL) {
		char *s = skip_spaces(line);
		u64 v = 0;

		for (k = 0; k < nkeys; k++)
			if (!strncmp(s, keys[k], strlen(keys[k])))
				break;
		if (k == nkeys)
			continue;
		s = skip_spaces(s + strlen(keys[k]));
		while (isdigit(*s))
			v = v * 10 + (*s++ - '0');
		sums[k] += v;
	}
	kvfree(buf);
	return 0;
}

/*
 * regionmm carves its descriptors (memmap, pageblock data) out of the region
 * and counts those pages as reserved: present - managed, summed over its
 * zoneinfo, is what its metadata costs.  Bytes per page = that many bytes
 * over the present pages, in tenths.  The kernel's figure is its struct page.
 */
static long rmm_meta_tenths(void)
{
	static const char * const keys[] = { "present ", "managed " };
	u64 v[2];
	int ret;

	ret = sum_zoneinfo(RB_R_ZONEINFO, keys, v, 2);
	if (ret)
		return ret;
	if (!v[0] || v[1] > v[0])
		return -ENODATA;
	return (long)div64_u64((v[0] - v[1]) * PAGE_SIZE * 10, v[0]);
}

static void bench_meta(void)
{
	long r = rmm_meta_tenths();

	if (r < 0) {
		emit("SKIP meta cannot read %s (%ld)", RB_R_ZONEINFO, r);
		return;
	}
	emit("INFO meta struct rmm_page is %zu bytes; reserved (present - managed) pages carry all of regionmm's per-page metadata",
	     (size_t)RMM_PAGE_DESC_BYTES);
	emit("BENCH meta rmm_bytes_per_page=%ld.%ld kernel_bytes_per_page=%zu",
	     r / 10, r % 10, sizeof(struct page));
}

/*
 * compact_order9: compact_n order-9 allocations, all held until the last,
 * with the mask hugetlb uses for a huge page from the buddy
 * (htlb_alloc_mask() | __GFP_RETRY_MAYFAIL | __GFP_NOWARN, as
 * alloc_buddy_hugetlb_folio() for nr_hugepages): they may sleep, reclaim
 * and compact, and should_compact_retry() raises compaction's priority
 * before they give up.  One side per load, as the memory it fights over is
 * set up by the script; the INFO line gives successes, attempts and the
 * time of the whole loop.
 */
static void bench_compact_order9(void)
{
	bool rmm = !strcmp(compact_side, "rmm");
	void **held;
	unsigned int i, ok = 0;
	u64 t0, t1;

	held = kvcalloc(compact_n, sizeof(*held), GFP_KERNEL);
	if (!held) {
		emit("SKIP compact_order9 no memory for %u handles", compact_n);
		return;
	}
	t0 = ktime_get_ns();
	for (i = 0; i < compact_n; i++) {
		if (rmm)
			held[i] = rmm_alloc_pages(RMM_NUMA_NO_NODE, RB_HUGE_ORDER,
						  RMM_GFP_HIGHUSER_MOVABLE |
						  RMM___GFP_RETRY_MAYFAIL |
						  RMM___GFP_NOWARN);
		else
			held[i] = alloc_pages(GFP_HIGHUSER_MOVABLE |
					      __GFP_RETRY_MAYFAIL |
					      __GFP_NOWARN, RB_HUGE_ORDER);
		ok += !!held[i];
		cond_resched();
	}
	t1 = ktime_get_ns();
	for (i = 0; i < compact_n; i++) {
		if (!held[i])
			continue;
		if (rmm)
			rmm_free_pages(held[i], RB_HUGE_ORDER);
		else
			__free_pages(held[i], RB_HUGE_ORDER);
	}
	kvfree(held);
	emit("INFO compact_order9 side=%s ok=%u n=%u ns=%llu", compact_side,
	     ok, compact_n, t1 - t0);
}

/* ------------------------------------------------------- module glue */

static int rb_show(struct seq_file *m, void *v)
{
	seq_puts(m, results ? results : "");
	return 0;
}

static int parse_benches(unsigned int *mask)
{
	char *s, *p, *tok;
	unsigned int i;

	if (!benches || !strcmp(benches, "all")) {
		*mask = B_ALL;
		return 0;
	}
	s = kstrdup(benches, GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	*mask = 0;
	p = s;
	while ((tok = strsep(&p, ",")) != NULL) {
		for (i = 0; i < ARRAY_SIZE(bench_names); i++)
			if (!strcmp(tok, bench_names[i]))
				break;
		if (i == ARRAY_SIZE(bench_names)) {
			pr_err("benches: unknown benchmark '%s'\n", tok);
			kfree(s);
			return -EINVAL;
		}
		*mask |= 1U << i;
	}
	kfree(s);
	return 0;
}

static int bad_param(const char *name, const char *why)
{
	pr_err("%s: %s\n", name, why);
	return -EINVAL;
}

static int check_params(void)
{
	int i;

	if (iters < 1)
		return bad_param("iters", "must be >= 1");
	if (runs < 1 || runs > RB_MAX_RUNS)
		return bad_param("runs", "must be 1..31");
	if (bulk_n < 1)
		return bad_param("bulk_n", "must be >= 1");
	if (rand_n < 1)
		return bad_param("rand_n", "must be >= 1");
	if (rand_max_order > 9)
		return bad_param("rand_max_order", "must be 0..9");
	if (order9_iters < 1)
		return bad_param("order9_iters", "must be >= 1");
	if (frag_rounds < 1)
		return bad_param("frag_rounds", "must be >= 1");
	if (frag_fill_pct < 1 || frag_fill_pct > 95)
		return bad_param("frag_fill_pct", "must be 1..95");
	if (frag_realloc_pct < 1 || frag_realloc_pct > 100)
		return bad_param("frag_realloc_pct", "must be 1..100");
	if (ga_iters < 1)
		return bad_param("ga_iters", "must be >= 1");
	if (compact_n < 1 || compact_n > 4096)
		return bad_param("compact_n", "must be 1..4096");
	if (!compact_side || (strcmp(compact_side, "rmm") &&
			      strcmp(compact_side, "kernel")))
		return bad_param("compact_side", "must be rmm or kernel");
	for (i = 0; i < nr_slab_sizes; i++)
		if (slab_sizes[i] < 8 || slab_sizes[i] > PAGE_SIZE)
			return bad_param("slab_sizes", "each size must be 8..4096");
	return 0;
}

static int __init rmm_bench_init(void)
{
	unsigned int mask;
	int ret;

	ret = check_params();
	if (!ret)
		ret = parse_benches(&mask);
	if (ret)
		return ret;
	results = kzalloc(RB_RESULTS_SIZE, GFP_KERNEL);
	if (!results)
		return -ENOMEM;
	rng_state = seed | 1;

	emit("INFO rmm_bench iters=%u runs=%u bulk_n=%u rand_n=%u cpus=%u",
	     iters, runs, bulk_n, rand_n, num_online_cpus());
	/*
	 * frag first: LLFree runs it on a freshly booted allocator, and its
	 * figure depends on what earlier benchmarks left on the per-CPU lists
	 * (42.7 % fresh against 99.5 % after the others in one 6.12 run), so
	 * it measures the fresh state, reproducibly.
	 */
	if (mask & B_FRAG)
		bench_frag();
	if (mask & B_ORDER0)
		bench_order0();
	if (mask & B_BULK)
		bench_bulk();
	if (mask & B_RANDOM)
		bench_random();
	if (mask & B_ORDER9)
		bench_order9();
	if (mask & B_SLAB)
		bench_slab();
	if (mask & B_GENALLOC)
		bench_genalloc();
	if (mask & B_META)
		bench_meta();
	if (mask & B_COMPACT9)
		bench_compact_order9();
	emit("INFO rmm_bench done");

	proc_entry = proc_create_single("rmm_bench", 0400, NULL, rb_show);
	if (!proc_entry)
		pr_warn("no /proc/rmm_bench; results are in the kernel log only\n");
	return 0;
}

static void __exit rmm_bench_exit(void)
{
	proc_remove(proc_entry);
	kfree(results);
}

module_init(rmm_bench_init);
module_exit(rmm_bench_exit);
MODULE_DESCRIPTION("regionmm benchmarks against the kernel's allocators");
MODULE_LICENSE("GPL");
