// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/sys/regionmm/: regionmm's copies of the vm tunables that shape
 * watermarks, lowmem reserves and per-CPU lists, and of the OOM killer's
 * oom_dump_tasks and oom_kill_allocating_task (read by src/core/oom_kill.c),
 * with the names, limits (extra1/extra2) and handlers of the kernel's
 * /proc/sys/vm entries, so `sysctl regionmm.min_free_kbytes=N` behaves like
 * vm.min_free_kbytes.  The two OOM files are proc_dointvec in the kernel:
 * any int is kept as written (non-zero is on); only junk and values beyond
 * int are refused.  swappiness (0..200) and page-cluster (>= 0; at most
 * 31 on 6.12) steer reclaim (src/core/vmscan.c, swapfile.c).
 * compaction_proactiveness (0..100), extfrag_threshold (0..1000) and
 * compact_unevictable_allowed (0..1) are read by src/core/compaction.c;
 * a write to compact_memory compacts every zone (rmm_compact_nodes()).
 *
 * A write is parsed into a scratch copy; only when the kernel's checks and
 * rmm_set_tunable() (which recomputes watermarks, protection and pcp
 * high/batch at once) accept it does the instance change.  A refused write
 * returns -EINVAL and changes nothing.
 *
 * Locking: rmm_sysctl_mutex serialises handlers (read-modify-write of
 * the scratch copy); the core takes its own locks to apply a value.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/sysctl.h>
#include <linux/mmzone.h>
#include "rmm_port.h"
#include "mmzone.h"
#include "page_alloc.h"
#include "compaction.h"
#include "rmm_glue.h"

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define RMM_CTL_TABLE const struct ctl_table
#else
#define RMM_CTL_TABLE struct ctl_table
#endif

/* same as the kernel's MIN_PERCPU_PAGELIST_HIGH_FRACTION */
#define RMM_MIN_PCP_HIGH_FRACTION	8
static int rmm_three_thousand = 3000;
static int rmm_two_hundred = 200;
/* 6.12's page_cluster_max (mm/swap.c); 6.1 has no upper limit */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
static int rmm_page_cluster_max = 31;
#define RMM_PAGE_CLUSTER_MAX	(&rmm_page_cluster_max)
#else
#define RMM_PAGE_CLUSTER_MAX	NULL
#endif

static DEFINE_MUTEX(rmm_sysctl_mutex);
static struct ctl_table_header *rmm_sysctl_header;

static void rmm_read_tunable(enum rmm_tunable t, int *vals, int n)
{
	long lv[RMM_MAX_NR_ZONES] = { 0 };
	int i;

	rmm_get_tunable(rmm_mm_global, t, lv, n);
	for (i = 0; i < n; i++)
		vals[i] = lv[i];
}

static int rmm_sysctl_handler(RMM_CTL_TABLE *table, int write,
			      void *buffer, size_t *lenp, loff_t *ppos)
{
	enum rmm_tunable t = (enum rmm_tunable)(uintptr_t)table->extra1;
	int vals[RMM_MAX_NR_ZONES];
	long lv[RMM_MAX_NR_ZONES];
	struct ctl_table tmp = *table;
	int n = table->maxlen / sizeof(int);
	bool quiet = false;
	int i, ret;

	if (!rmm_mm_global)
		return -ENODEV;
	mutex_lock(&rmm_sysctl_mutex);
	rmm_read_tunable(t, vals, n);
	tmp.data = vals;
	tmp.extra1 = NULL;
	tmp.extra2 = NULL;
	switch (t) {
	case RMM_TUNE_MIN_FREE_KBYTES:
	case RMM_TUNE_WATERMARK_BOOST_FACTOR:
	case RMM_TUNE_PERCPU_PAGELIST_HIGH_FRACTION:
		tmp.extra1 = SYSCTL_ZERO;
		break;
	case RMM_TUNE_WATERMARK_SCALE_FACTOR:
		tmp.extra1 = SYSCTL_ONE;
		tmp.extra2 = &rmm_three_thousand;
		break;
	case RMM_TUNE_SWAPPINESS:
		tmp.extra1 = SYSCTL_ZERO;
		tmp.extra2 = &rmm_two_hundred;
		break;
	case RMM_TUNE_PAGE_CLUSTER:
		tmp.extra1 = SYSCTL_ZERO;
		tmp.extra2 = RMM_PAGE_CLUSTER_MAX;
		break;
	case RMM_TUNE_COMPACTION_PROACTIVENESS:
	case RMM_TUNE_EXTFRAG_THRESHOLD:
	case RMM_TUNE_COMPACT_UNEVICTABLE_ALLOWED:
		/*
		 * The kernel's 0..100, 0..1000, 0..1 are checked by
		 * rmm_set_tunable(), which prints the one line naming the
		 * range; the result is proc_dointvec_minmax()'s -EINVAL.
		 */
		quiet = true;
		break;
	default:
		break;
	}
	ret = proc_dointvec_minmax(&tmp, write, buffer, lenp, ppos);
	if (ret || !write)
		goto out;

	if (t == RMM_TUNE_PERCPU_PAGELIST_HIGH_FRACTION && vals[0] &&
	    vals[0] < RMM_MIN_PCP_HIGH_FRACTION) {
		pr_err("percpu_pagelist_high_fraction: %d is below %d (0 = default)\n",
		       vals[0], RMM_MIN_PCP_HIGH_FRACTION);
		ret = -EINVAL;
		goto out;
	}
	if (t == RMM_TUNE_LOWMEM_RESERVE_RATIO) {
		/* like lowmem_reserve_ratio_sysctl_handler */
		for (i = 0; i < n; i++)
			if (vals[i] < 1)
				vals[i] = 0;
	}
	for (i = 0; i < n; i++)
		lv[i] = vals[i];
	ret = rmm_set_tunable(rmm_mm_global, t, lv, n);
	/*
	 * A non-zero compaction_proactiveness also wakes kcompactd in the
	 * kernel (compaction_proactiveness_sysctl_handler()): no kcompactd
	 * yet, the value is only stored.
	 */
	if (ret && !quiet)
		pr_err("%s: value refused (%d)\n", table->procname, ret);
out:
	mutex_unlock(&rmm_sysctl_mutex);
	return ret;
}

/*
 * compact_memory (0200): a write compacts every zone of the instance
 * (compact_nodes(): whole-zone sync compaction), as vm.compact_memory.
 * 6.12's sysctl_compaction_handler() parses an int and refuses anything
 * but 1 with -EINVAL (after storing it, as the kernel does); 6.1's
 * compacts on any write and returns 0.  The running kernel decides.  It
 * may sleep for long; a fatal signal stops it between zones (-EINTR on
 * 6.12).  Unload waits: unregister_sysctl_table() (rmm_sysctl_exit(),
 * before the instance is torn down) waits for running handlers, so the
 * instance stays while one runs.  Not under rmm_sysctl_mutex: two writers
 * may compact at once, as two kernel writers may.  With compaction=0 it
 * refuses every access with -EOPNOTSUPP (the kernel without
 * CONFIG_COMPACTION has no such file).
 */
static int rmm_compact_memory;

static int rmm_compact_memory_handler(RMM_CTL_TABLE *table, int write,
				      void *buffer, size_t *lenp, loff_t *ppos)
{
	struct rmm_mm *mm = READ_ONCE(rmm_mm_global);
	int ret = 0;

	if (!mm)
		return -ENODEV;
	if (!rmm_compaction_enabled(mm)) {
		/* a kernel without CONFIG_COMPACTION has no such file */
		if (write)
			pr_err("compact_memory: loaded with compaction=0\n");
		return -EOPNOTSUPP;
	}
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	ret = proc_dointvec(table, write, buffer, lenp, ppos);
	if (ret)
		return ret;

	if (READ_ONCE(rmm_compact_memory) != 1) {
		if (write)
			pr_err("compact_memory: only 1 is accepted\n");
		return -EINVAL;
	}

	if (write)
		ret = rmm_compact_nodes(mm);
#else
	if (write)
		rmm_compact_nodes(mm);
#endif
	return ret;
}

#define RMM_CTL(name, t, nr)						\
	{								\
		.procname	= name,					\
		.maxlen		= (nr) * sizeof(int),			\
		.mode		= 0644,					\
		.proc_handler	= rmm_sysctl_handler,			\
		.extra1		= (void *)(uintptr_t)(t),		\
	}

static struct ctl_table rmm_sysctl_table[] = {
	RMM_CTL("min_free_kbytes", RMM_TUNE_MIN_FREE_KBYTES, 1),
	RMM_CTL("watermark_boost_factor", RMM_TUNE_WATERMARK_BOOST_FACTOR, 1),
	RMM_CTL("watermark_scale_factor", RMM_TUNE_WATERMARK_SCALE_FACTOR, 1),
	RMM_CTL("percpu_pagelist_high_fraction",
		RMM_TUNE_PERCPU_PAGELIST_HIGH_FRACTION, 1),
	RMM_CTL("lowmem_reserve_ratio", RMM_TUNE_LOWMEM_RESERVE_RATIO,
		MAX_NR_ZONES),
	/* proc_dointvec in the kernel: no limits (extra1/2 stay NULL) */
	RMM_CTL("oom_dump_tasks", RMM_TUNE_OOM_DUMP_TASKS, 1),
	RMM_CTL("oom_kill_allocating_task", RMM_TUNE_OOM_KILL_ALLOCATING_TASK,
		1),
	/*
	 * Why: vm.swappiness weighs swapping anonymous pages against
	 * dropping file pages in get_scan_count(); regionmm's reclaim
	 * (src/core/vmscan.c) runs the same arithmetic over its own lists,
	 * so it gets its own copy with the kernel's 0..200 limits, to be
	 * steered without touching the kernel's reclaim.
	 */
	RMM_CTL("swappiness", RMM_TUNE_SWAPPINESS, 1),
	/*
	 * Why: swap-in reads 2^page-cluster pages around a faulting slot
	 * (swap readahead); 0 turns readahead off, which is what a device
	 * with cheap random reads (or a test counting pswpin) wants, as
	 * vm.page-cluster does for the kernel's swap.
	 */
	RMM_CTL("page-cluster", RMM_TUNE_PAGE_CLUSTER, 1),
	/*
	 * vm.compaction_proactiveness, vm.extfrag_threshold,
	 * vm.compact_unevictable_allowed (mm/compaction.c's vm_compaction[],
	 * 0644, the same ranges in 6.1 and 6.12) and vm.compact_memory (0200)
	 */
	RMM_CTL("compaction_proactiveness", RMM_TUNE_COMPACTION_PROACTIVENESS,
		1),
	RMM_CTL("extfrag_threshold", RMM_TUNE_EXTFRAG_THRESHOLD, 1),
	RMM_CTL("compact_unevictable_allowed",
		RMM_TUNE_COMPACT_UNEVICTABLE_ALLOWED, 1),
	{
		.procname	= "compact_memory",
		.data		= &rmm_compact_memory,
		.maxlen		= sizeof(int),
		.mode		= 0200,
		.proc_handler	= rmm_compact_memory_handler,
	},
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 6, 0)
	{ }
#endif
};

int rmm_sysctl_init(void)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	rmm_sysctl_header = register_sysctl_sz("regionmm", rmm_sysctl_table,
					       ARRAY_SIZE(rmm_sysctl_table));
#else
	rmm_sysctl_header = register_sysctl("regionmm", rmm_sysctl_table);
#endif
	if (!rmm_sysctl_header) {
		pr_err("sysctl: cannot register /proc/sys/regionmm\n");
		return -ENOMEM;
	}
	return 0;
}

void rmm_sysctl_exit(void)
{
	unregister_sysctl_table(rmm_sysctl_header);
	rmm_sysctl_header = NULL;
}
