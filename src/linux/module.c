// SPDX-License-Identifier: GPL-2.0
/*
 * regionmm module init/exit and parameters.
 *
 * Load order: the OOM killer's workqueue (oom.c), check and claim the
 * region (backend.c), describe the running
 * kernel to the core (rmm_layout: zone names, node distances, CPUs), the
 * glue's services (mm->ops, which rmm_mm_init() keeps), rmm_mm_init(),
 * the LRU lists and page extensions (rmm_lru_init()), swap
 * (rmm_swap_init()), reclaim (rmm_reclaim_init(): before the slab layer,
 * which registers a shrinker), rmm_slab_init(), the per-node reclaim
 * threads (kswapd.c), publish rmm_mm_global, the CPU-dead hotplug state,
 * then create /proc/regionmm, /proc/sys/regionmm and /dev/regionmm, and
 * last start the per-CPU works (pcp_work.c, with their CPU-online state).
 * Unload runs it backwards, and before tearing the core down waits for the
 * core's asynchronous idle-list drains (remote calls into module text), on
 * every path.
 *
 * CPU hotplug: two dynamic states.  CPUHP_AP_ONLINE_DYN "regionmm:online"
 * (pcp_work.c) starts a CPU's once-a-second work when it comes online and
 * cancels it before it goes down; CPUHP_BP_PREPARE_DYN "regionmm:dead"
 * hands a dead CPU's per-CPU pages and slab objects back (its work is
 * already stopped then).  CPUs that come online while the module is loaded
 * are covered as well: the core sizes its per-CPU data by nr_cpu_ids.
 *
 * Invariants:
 *   rmm_mm_global == &rmm_mm_instance while the module is live, NULL
 *   before init completes and after exit starts;
 *   an open /dev/regionmm holds a module reference (fops.owner), so the
 *   pages it holds are always freed before exit runs.
 *
 * Locking: init/exit are serialised by the module loader.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/topology.h>
#include <linux/cpumask.h>
#include <linux/slab.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/timekeeping.h>
#include "rmm_port.h"
#include "mmzone.h"
#include "page_alloc.h"
#include "lru.h"
#include "swapfile.h"
#include "vmscan.h"
#include "rmm_glue.h"
#include "rmm_mmap.h"
#include <regionmm/slab.h>

char *rmm_param_region;
module_param_named(region, rmm_param_region, charp, 0444);
MODULE_PARM_DESC(region,
	"SIZE@START[,SIZE@START...]: physical ranges reserved at boot with memmap=SIZE$START that regionmm manages (memory the kernel never touched, the carve-out case)");

char *rmm_param_cma;
module_param_named(cma, rmm_param_cma, charp, 0444);
MODULE_PARM_DESC(cma,
	"SIZE: take SIZE (a multiple of 8 MiB) from the boot-time cma= area through the DMA API, for kernels with CONFIG_DMA_CMA (the driver-carve-out case)");

char *rmm_param_borrow;
module_param_named(borrow, rmm_param_borrow, charp, 0444);
MODULE_PARM_DESC(borrow,
	"SIZE: take SIZE from the running kernel at load time (contiguous if possible, else 4 MiB blocks); the default when no source is given is min(64M, free/8), so a bare insmod works anywhere");

/*
 * Why: borrow= has two ways to take memory from the running kernel and
 * each has its use.  alloc_contig_range() gives one range without holes
 * but migrates the kernel's movable pages out of it (and fails when one
 * unmovable page sits inside); blocks of the largest buddy order from
 * alloc_pages() never migrate anything, so they disturb a running workload
 * less, at the price of a region with holes.  auto (the default) tries
 * contig first; contig and blocks force one way, which also lets the
 * blocks path be tested on a machine where contig would succeed.
 */
char *rmm_param_borrow_method;
module_param_named(borrow_method, rmm_param_borrow_method, charp, 0444);
MODULE_PARM_DESC(borrow_method,
	"auto|contig|blocks: how borrow= takes memory: contig = one alloc_contig_range() range without holes (migrates the kernel's pages), blocks = 4 MiB alloc_pages() blocks (never migrates, the region has holes), auto (default) = contig, else blocks");

char *rmm_param_movablecore;
module_param_named(movablecore, rmm_param_movablecore, charp, 0444);
MODULE_PARM_DESC(movablecore,
	"SIZE or N%: like the kernel's movablecore=, put the top SIZE of the region into a Movable zone to try anti-fragmentation policies");

/*
 * Why: SLUB's slab_debug= (slub_debug= before 6.6) is how kernel developers
 * switch red zones, poisoning and free checks on for every cache without
 * rebuilding; this gives regionmm's caches the same switch at insmod time.
 */
/*
 * Why: Debian's kernels enable THP, and khugepaged raises the automatic
 * min_free_kbytes (set_recommended_min_free_kbytes()); regionmm applies the
 * same formula to its own zones so its watermarks follow the running
 * kernel's rule.  0 chooses the plain int_sqrt rule of
 * calculate_min_free_kbytes(), as on a kernel without THP.
 */
static bool rmm_param_thp_min_free = true;
module_param_named(thp_min_free_kbytes, rmm_param_thp_min_free, bool, 0444);
MODULE_PARM_DESC(thp_min_free_kbytes,
	"1 (default): automatic min_free_kbytes gets khugepaged's raise for THP, as the running kernel's; 0: the plain int_sqrt rule");

/*
 * Why: the per-CPU sparse lists trade the kernel's pcp recycling for whole
 * free pageblocks; the threshold is the knob to measure that trade (513,
 * pageblock_nr_pages + 1, gives the kernel's behaviour).
 */
static unsigned int rmm_param_pcp_sparse = RMM_PAGEBLOCK_NR_PAGES / 4;
module_param_named(pcp_sparse_threshold, rmm_param_pcp_sparse, uint, 0444);
MODULE_PARM_DESC(pcp_sparse_threshold,
	"a page freed (order 0-3 or 9) into a pageblock with at least this many free pages goes back to the buddy (through the CPU's sparse list) instead of the per-CPU list; 0..513, 513 = off (the kernel's behaviour), default 128");

/*
 * Why: compaction's contribution must be measurable and each compaction
 * test must be seen to fail without it; 0 makes the instance behave as a
 * kernel built without CONFIG_COMPACTION.
 */
static bool rmm_param_compaction = true;
module_param_named(compaction, rmm_param_compaction, bool, 0444);
MODULE_PARM_DESC(compaction,
	"1 (default): direct compaction, kcompactd and compact_memory as the running kernel's; 0: none, as a kernel without CONFIG_COMPACTION");

static char *rmm_param_slab_debug;
module_param_named(slab_debug, rmm_param_slab_debug, charp, 0444);
MODULE_PARM_DESC(slab_debug,
	"SLUB-style debugging for every regionmm cache: letters F (sanity checks), Z (red zones), P (poisoning), U (owner tracking); empty or 1 = FZP, - = off");

struct rmm_glue rmm_glue;
static struct rmm_mm rmm_mm_instance;	/* rmm_mm_global: src/core/api.c */

/*
 * The core's ranges: chunks in table order, neighbours merged when they
 * continue each other in pfn, in the kernel mapping and in node (borrowed
 * blocks that the buddy handed out next to each other).  The core carves
 * descriptors from the top of its largest ranges, so a run of 4 MiB blocks
 * passed one by one would lose pages from every block and no free block of
 * the largest order would be left.
 */
static int rmm_build_ranges(struct rmm_glue *g, struct rmm_range *r)
{
	int i, n = 0;

	for (i = 0; i < g->nr_chunks; i++) {
		struct rmm_chunk *c = &g->chunk[i];
		struct rmm_range *prev = n ? &r[n - 1] : NULL;

		if (prev && prev->nid == c->nid &&
		    prev->start_pfn + prev->nr_pages == c->start_pfn &&
		    prev->vaddr + (prev->nr_pages << PAGE_SHIFT) == c->vaddr) {
			prev->nr_pages += c->nr_pages;
			continue;
		}
		r[n].start_pfn = c->start_pfn;
		r[n].nr_pages = c->nr_pages;
		r[n].nid = c->nid;
		r[n].vaddr = c->vaddr;
		n++;
	}
	return n;
}

static int rmm_build_layout(struct rmm_layout *l, struct rmm_range **rp,
			    int *nr_ranges)
{
	struct rmm_glue *g = &rmm_glue;
	struct rmm_range *r;
	pg_data_t *pgdat = NODE_DATA(first_online_node);
	int i, j, cpu;

	if (g->nr_nodes > RMM_MAX_NUMNODES) {
		pr_err("region: spans %d nodes, regionmm supports %d\n",
		       g->nr_nodes, RMM_MAX_NUMNODES);
		return -EINVAL;
	}
	rmm_layout_default(l, g->nr_nodes, nr_cpu_ids);
	l->nr_nodes = g->nr_nodes;
	for (i = 0; i < g->nr_nodes; i++) {
		l->real_nid[i] = g->real_nid[i];
		for (j = 0; j < g->nr_nodes; j++)
			l->node_distance[i][j] = node_distance(g->real_nid[i],
							       g->real_nid[j]);
	}
	BUILD_BUG_ON(MAX_NR_ZONES > RMM_MAX_NR_ZONES);
	l->nr_zones = MAX_NR_ZONES;
	for (i = 0; i < MAX_NR_ZONES; i++)
		l->zone_name[i] = pgdat->node_zones[i].name;
#ifdef CONFIG_ZONE_DMA
	l->zone_dma = ZONE_DMA;
#else
	l->zone_dma = -1;
#endif
#ifdef CONFIG_ZONE_DMA32
	l->zone_dma32 = ZONE_DMA32;
#else
	l->zone_dma32 = -1;
#endif
	l->zone_normal = ZONE_NORMAL;
	l->zone_movable = ZONE_MOVABLE;
#ifdef CONFIG_ZONE_DEVICE
	l->zone_device = ZONE_DEVICE;
#else
	l->zone_device = -1;
#endif
	l->movable_pages = g->movable_pages;
	l->nr_cpu_ids = nr_cpu_ids;
	/* each CPU's nearest regionmm node, by the kernel's node distance */
	for (cpu = 0; cpu < min_t(int, nr_cpu_ids, RMM_LAYOUT_MAX_CPUS); cpu++) {
		int best = 0, cnid = cpu_to_node(cpu);

		for (i = 1; i < g->nr_nodes; i++)
			if (node_distance(cnid, g->real_nid[i]) <
			    node_distance(cnid, g->real_nid[best]))
				best = i;
		l->cpu_to_node[cpu] = best;
	}
	l->config_cma = IS_ENABLED(CONFIG_CMA);
	l->config_numa = IS_ENABLED(CONFIG_NUMA);
	for (cpu = 0; cpu < min_t(int, nr_cpu_ids, RMM_LAYOUT_MAX_CPUS); cpu++) {
		l->cpu_offline[cpu] = !cpu_online(cpu);
		/* 6.12's PCPF_FREE_HIGH_BATCH (cacheinfo.c) */
		if (cpu_online(cpu))
			l->cpu_data_slice_size[cpu] =
				rmm_cpu_data_slice_size(cpu);
	}
	if (l->cpu_data_slice_size[0])
		pr_info("pcp: CPU 0 cache slice %u bytes\n",
			l->cpu_data_slice_size[0]);
	l->thp_min_free_kbytes = rmm_param_thp_min_free;
	l->pcp_sparse_threshold = rmm_param_pcp_sparse;
	l->compaction = rmm_param_compaction;
	l->kver = RMM_KVER(LINUX_VERSION_CODE >> 16,
			   (LINUX_VERSION_CODE >> 8) & 0xff);

	r = kcalloc(g->nr_chunks, sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	*nr_ranges = rmm_build_ranges(g, r);
	*rp = r;
	return 0;
}

/*
 * Services the core asks of the glue (struct rmm_mm_ops, mmzone.h):
 * wake_kswapd wakes the node's reclaim thread (kswapd.c), out_of_memory
 * is regionmm's OOM killer (oom.c), unmap_obj removes the user entries of
 * an object's pages (mmap.c); swap_io, swap_write_async and
 * swap_read_batch are swap_dev.c's.
 */
static u64 rmm_glue_now_ns(struct rmm_mm *mm)
{
	return ktime_get_ns();
}

static void rmm_glue_unmap_obj(struct rmm_mm *mm, u64 obj_cookie, u64 pgoff,
			       u64 nr)
{
	rmm_mobj_unmap_range(obj_cookie, pgoff, nr);
}

static const struct rmm_mm_ops rmm_glue_ops = {
	.wake_kswapd	= rmm_kswapd_wake,
	.now_ns		= rmm_glue_now_ns,
	.out_of_memory	= rmm_glue_out_of_memory,
	.unmap_obj	= rmm_glue_unmap_obj,
	.swap_io	= rmm_swap_dev_io,		/* swap_dev.c */
	.swap_write_async = rmm_swap_dev_write_async,	/* swap_dev.c */
	.swap_read_batch = rmm_swap_dev_read_batch,	/* swap_dev.c */
};

/*
 * A CPU that went offline leaves pages on its per-CPU lists; hand them
 * back to the buddy once it is dead (like the kernel's page_alloc_cpu_dead).
 */
static enum cpuhp_state rmm_cpuhp_state;

static int rmm_cpu_dead(unsigned int cpu)
{
	struct rmm_mm *mm = READ_ONCE(rmm_mm_global);

	if (mm) {
		/* objects first: flushing them may free slabs to the pcp */
		rmm_slab_cpu_dead(mm, cpu);
		rmm_drain_cpu_pages(mm, cpu);
		/* pcp high and stat thresholds over the CPUs left */
		rmm_mm_cpu_dead(mm, cpu);
	}
	return 0;
}

/*
 * A CPU about to come up counts for pcp high and the stat thresholds from
 * now on, as the kernel's page_alloc_cpu_online() (zone_highsize()'s
 * cpu_online) does in the same prepare stage.
 */
static int rmm_cpu_prepare(unsigned int cpu)
{
	struct rmm_mm *mm = READ_ONCE(rmm_mm_global);

	if (mm)
		rmm_mm_cpu_online(mm, cpu);
	return 0;
}

static int __init rmm_init(void)
{
	struct rmm_slab_params slab_params = { };
	struct rmm_layout *l;
	struct rmm_range *r = NULL;
	int ret, i, nr_ranges = 0;

	rmm_vmstat_names_check();
	/* bad input is refused before anything is claimed */
	if (rmm_param_pcp_sparse > RMM_PAGEBLOCK_NR_PAGES + 1) {
		pr_err("pcp_sparse_threshold: %u is above %lu (pageblock_nr_pages + 1, off)\n",
		       rmm_param_pcp_sparse, RMM_PAGEBLOCK_NR_PAGES + 1);
		return -EINVAL;
	}
	if (rmm_param_slab_debug) {
		unsigned long fl;

		if (rmm_slab_parse_debug(rmm_param_slab_debug, &fl)) {
			pr_err("slab_debug: unknown flag in '%s' (use F, Z, P, U, 1 or -)\n",
			       rmm_param_slab_debug);
			return -EINVAL;
		}
		slab_params.debug_flags = fl;
	}
	ret = rmm_oom_init();
	if (ret)
		return ret;
	ret = rmm_backends_claim(&rmm_glue);
	if (ret)
		goto out_oom;

	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l) {
		ret = -ENOMEM;
		goto out_release;
	}
	ret = rmm_build_layout(l, &r, &nr_ranges);
	if (ret)
		goto out_layout;
	/* the services first: rmm_mm_init() keeps mm->ops */
	rmm_mm_instance.ops = &rmm_glue_ops;
	ret = rmm_mm_init(&rmm_mm_instance, l, r, nr_ranges);
	if (ret) {
		pr_err("core: cannot set up the region (%d)\n", ret);
		goto out_layout;
	}
	ret = rmm_lru_init(&rmm_mm_instance);
	if (ret) {
		pr_err("lru: cannot set up the page extensions (%d)\n", ret);
		goto out_mm_fini;
	}
	ret = rmm_swap_init(&rmm_mm_instance);
	if (ret) {
		pr_err("swap: cannot set up (%d)\n", ret);
		goto out_lru_fini;
	}
	ret = rmm_reclaim_init(&rmm_mm_instance);
	if (ret) {
		pr_err("reclaim: cannot set up (%d)\n", ret);
		goto out_swap_fini;
	}
	ret = rmm_slab_init(&rmm_mm_instance, &slab_params);
	if (ret) {
		pr_err("slab: cannot set up the caches (%d)\n", ret);
		goto out_reclaim_fini;
	}
	ret = rmm_kswapd_start(&rmm_mm_instance);
	if (ret)
		goto out_slab_fini;
	WRITE_ONCE(rmm_mm_global, &rmm_mm_instance);

	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "regionmm:dead",
					rmm_cpu_prepare, rmm_cpu_dead);
	if (ret < 0) {
		pr_err("cpuhp: cannot register the CPU-dead callback (%d)\n", ret);
		goto out_fini;
	}
	rmm_cpuhp_state = ret;
	/* CPUs that came or went before the callbacks were in place */
	cpus_read_lock();
	for (i = 0; i < min_t(int, nr_cpu_ids, RMM_LAYOUT_MAX_CPUS); i++)
		if (!!rmm_mm_instance.layout.cpu_offline[i] ==
		    !!cpu_online(i)) {
			if (cpu_online(i))
				rmm_mm_cpu_online(&rmm_mm_instance, i);
			else
				rmm_mm_cpu_dead(&rmm_mm_instance, i);
		}
	cpus_read_unlock();
	ret = rmm_procfs_init();
	if (ret)
		goto out_cpuhp;
	ret = rmm_sysctl_init();
	if (ret)
		goto out_procfs;
	ret = rmm_chardev_init();
	if (ret)
		goto out_sysctl;
	/* swap devices (swapfile=): the core and /proc/regionmm are up */
	ret = rmm_swap_dev_init(&rmm_mm_instance);
	if (ret)
		goto out_chardev;

	/* last: the works read rmm_mm_global */
	ret = rmm_pcp_work_start();
	if (ret)
		goto out_swap_dev;
	kfree(r);
	kfree(l);
	pr_info("managing %d range(s) on %d node(s)\n", nr_ranges,
		rmm_glue.nr_nodes);
	return 0;

out_swap_dev:
	rmm_swap_dev_exit(&rmm_mm_instance);
out_chardev:
	rmm_chardev_exit();
out_sysctl:
	rmm_sysctl_exit();
out_procfs:
	rmm_procfs_exit();
out_cpuhp:
	cpuhp_remove_state_nocalls(rmm_cpuhp_state);
out_fini:
	WRITE_ONCE(rmm_mm_global, NULL);
	rmm_kswapd_stop(&rmm_mm_instance);
out_slab_fini:
	rmm_slab_fini(&rmm_mm_instance);
out_reclaim_fini:
	rmm_reclaim_fini(&rmm_mm_instance);
out_swap_fini:
	rmm_swap_fini(&rmm_mm_instance);
out_lru_fini:
	rmm_lru_fini(&rmm_mm_instance);
out_mm_fini:
	rmm_mm_fini(&rmm_mm_instance);
out_layout:
	kfree(r);
	kfree(l);
out_release:
	rmm_backends_release(&rmm_glue);
out_oom:
	rmm_oom_exit();
	return ret;
}

static void __exit rmm_exit(void)
{
	int ret;

	/* swap devices off (nothing is swapped: no user is left) */
	rmm_swap_dev_exit(&rmm_mm_instance);
	/* first: no per-CPU work runs or is queued after this */
	rmm_pcp_work_stop();
	rmm_chardev_exit();
	rmm_mmap_exit();
	rmm_oom_exit();
	rmm_sysctl_exit();
	rmm_procfs_exit();
	cpuhp_remove_state_nocalls(rmm_cpuhp_state);
	WRITE_ONCE(rmm_mm_global, NULL);
	/*
	 * The reclaim threads go before the drain below (pages they freed
	 * may have sent drains); nothing wakes them any more.
	 */
	rmm_kswapd_stop(&rmm_mm_instance);
	/*
	 * No allocation runs or can start any more (no user module, no open
	 * /dev/regionmm, works stopped, rmm_mm_global cleared), so no new
	 * idle-list drain can be sent.  Wait here for those in flight: they
	 * run drain_idle_pcp(), module text, on another CPU, and their call
	 * structures live in the pcps.  Done before anything that can fail,
	 * so every way out of exit below, also the one that keeps the region
	 * because pages are still allocated, has waited.
	 */
	rmm_drain_all_pages(&rmm_mm_instance);
	ret = rmm_slab_fini(&rmm_mm_instance);
	if (!ret) {
		rmm_reclaim_fini(&rmm_mm_instance);
		rmm_swap_fini(&rmm_mm_instance);
		rmm_lru_fini(&rmm_mm_instance);
		ret = rmm_mm_fini(&rmm_mm_instance);
	}
	if (ret) {
		/*
		 * An in-kernel user still holds pages: handing the memory
		 * back would let the kernel reuse pages someone writes to.
		 * Keep it claimed (and the metadata describing it) and say
		 * so.
		 */
		pr_err("unload: pages or slab objects still allocated (%d), keeping the region claimed\n",
		       ret);
		return;
	}
	rmm_backends_release(&rmm_glue);
	pr_info("unloaded, region returned\n");
}

module_init(rmm_init);
module_exit(rmm_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("regionmm: a complete page/zone/slab allocator over a region taken from the kernel");
MODULE_AUTHOR("regionmm developers");
