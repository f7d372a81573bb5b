// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/regionmm/{zoneinfo,buddyinfo,pagetypeinfo,vmstat,meminfo}: the
 * running kernel's file formats (mm/vmstat.c zoneinfo_show_print,
 * frag_show_print, pagetypeinfo_show*, vmstat_show; fs/proc/meminfo.c),
 * byte for byte, with regionmm's numbers: a tool that parses /proc/zoneinfo
 * parses /proc/regionmm/zoneinfo.  Counters regionmm does not have print 0.
 * 6.1 and 6.12 differ (promo watermark, vmstat items, meminfo lines); the
 * choice is made at build time from LINUX_VERSION_CODE and the kernel
 * config, since the module is built against the kernel it runs on.
 *
 * extfrag/unusable_index and extfrag/extfrag_index: the kernel's debugfs
 * extfrag/ files (mm/vmstat.c unusable_show_print, extfrag_show_print),
 * the indices computed by src/core/compaction.c.
 *
 * Two files of regionmm's own, with no kernel counterpart (so no kernel
 * format to follow and nothing in the kernel-format files above):
 *   stats   "name value" lines: regionmm-only counters (show_mem.h)
 *   compat  "key: value" lines: the running kernel, the kernel family
 *           whose behaviour the instance follows, the Debian package it
 *           was verified against, the models, and a "warning:" line when
 *           the running kernel is newer than the verified one (or the
 *           same version from another Debian package revision)
 *
 * Modes follow the kernel: pagetypeinfo 0400, the rest 0444 (extfrag/ as
 * debugfs's).  Nothing printed is a kernel address.
 *
 * Invariants: every regionmm node has the kernel's MAX_NR_ZONES zones
 *   (populated or not), so "Node N, zone NAME" lines line up with the
 *   kernel's; per-node stats follow the first populated zone of a node.
 * Locking: counters are read without the zone lock (like the kernel's
 *   data_race reads); pagetypeinfo counts free lists and the extfrag/
 *   files copy nr_free under the zone lock (taken by the core helper).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/vmstat.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/cpumask.h>
#include <linux/hugetlb.h>
#include <linux/huge_mm.h>
#include <linux/utsname.h>
#include <linux/version.h>
#include <linux/string.h>
#include <asm/cpufeature.h>
#include "rmm_port.h"
#include "mmzone.h"
#include "page_alloc.h"
#include "show_mem.h"
#include "lru.h"
#include "swapfile.h"
#include "vmscan.h"
#include "compaction.h"
#include "memobj.h"
#include "rmm_file.h"
#include "rmm_glue.h"
#include "rmm_mmap.h"

static struct proc_dir_entry *rmm_proc_dir;

static const char * const rmm_k_migratetype_names[MIGRATE_TYPES] = {
	"Unmovable",
	"Movable",
	"Reclaimable",
	"HighAtomic",
#ifdef CONFIG_CMA
	"CMA",
#endif
#ifdef CONFIG_MEMORY_ISOLATION
	"Isolate",
#endif
};

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define RMM_K_NR_ORDERS		NR_PAGE_ORDERS
#else
#define RMM_K_NR_ORDERS		MAX_ORDER
#endif

/* ---- per-item values: the kernel's enum index -> regionmm's counter ---- */

static unsigned long rmm_zone_item(struct rmm_zone *zone, int i)
{
	switch (i) {
	case NR_FREE_PAGES:
		return rmm_zone_page_state(zone, RMM_NR_FREE_PAGES);
	case NR_ZONE_INACTIVE_ANON:
		return rmm_zone_page_state(zone, RMM_NR_ZONE_INACTIVE_ANON);
	case NR_ZONE_ACTIVE_ANON:
		return rmm_zone_page_state(zone, RMM_NR_ZONE_ACTIVE_ANON);
	case NR_ZONE_INACTIVE_FILE:
		return rmm_zone_page_state(zone, RMM_NR_ZONE_INACTIVE_FILE);
	case NR_ZONE_ACTIVE_FILE:
		return rmm_zone_page_state(zone, RMM_NR_ZONE_ACTIVE_FILE);
	case NR_ZONE_UNEVICTABLE:
		return rmm_zone_page_state(zone, RMM_NR_ZONE_UNEVICTABLE);
	case NR_ZONE_WRITE_PENDING:
		return rmm_zone_page_state(zone, RMM_NR_ZONE_WRITE_PENDING);
	case NR_MLOCK:
		return rmm_zone_page_state(zone, RMM_NR_MLOCK);
	case NR_FREE_CMA_PAGES:
		return rmm_zone_page_state(zone, RMM_NR_FREE_CMA_PAGES);
	default:
		return 0;
	}
}

/* the kernel's numa_stat_item and regionmm's have the same order */
static unsigned long rmm_numa_item(struct rmm_zone *zone, int i)
{
	if (i < RMM_NR_VM_NUMA_EVENT_ITEMS)
		return rmm_zone_numa_event_state(zone, i);
	return 0;
}

static unsigned long rmm_node_item(struct rmm_node *node, int i)
{
	static const struct { int k, r; } map[] = {
		{ NR_INACTIVE_ANON, RMM_NR_INACTIVE_ANON },
		{ NR_ACTIVE_ANON, RMM_NR_ACTIVE_ANON },
		{ NR_INACTIVE_FILE, RMM_NR_INACTIVE_FILE },
		{ NR_ACTIVE_FILE, RMM_NR_ACTIVE_FILE },
		{ NR_UNEVICTABLE, RMM_NR_UNEVICTABLE },
		{ NR_SLAB_RECLAIMABLE_B, RMM_NR_SLAB_RECLAIMABLE_B },
		{ NR_SLAB_UNRECLAIMABLE_B, RMM_NR_SLAB_UNRECLAIMABLE_B },
		{ NR_ISOLATED_ANON, RMM_NR_ISOLATED_ANON },
		{ NR_ISOLATED_FILE, RMM_NR_ISOLATED_FILE },
		{ WORKINGSET_NODES, RMM_WORKINGSET_NODES },
		{ WORKINGSET_REFAULT_ANON, RMM_WORKINGSET_REFAULT_ANON },
		{ WORKINGSET_REFAULT_FILE, RMM_WORKINGSET_REFAULT_FILE },
		{ WORKINGSET_ACTIVATE_ANON, RMM_WORKINGSET_ACTIVATE_ANON },
		{ WORKINGSET_ACTIVATE_FILE, RMM_WORKINGSET_ACTIVATE_FILE },
		{ WORKINGSET_RESTORE_ANON, RMM_WORKINGSET_RESTORE_ANON },
		{ WORKINGSET_RESTORE_FILE, RMM_WORKINGSET_RESTORE_FILE },
		{ WORKINGSET_NODERECLAIM, RMM_WORKINGSET_NODERECLAIM },
		{ NR_ANON_MAPPED, RMM_NR_ANON_MAPPED },
		{ NR_FILE_MAPPED, RMM_NR_FILE_MAPPED },
		{ NR_FILE_PAGES, RMM_NR_FILE_PAGES },
		{ NR_FILE_DIRTY, RMM_NR_FILE_DIRTY },
		{ NR_WRITEBACK, RMM_NR_WRITEBACK },
		{ NR_SHMEM, RMM_NR_SHMEM },
		{ NR_VMSCAN_WRITE, RMM_NR_VMSCAN_WRITE },
		{ NR_VMSCAN_IMMEDIATE, RMM_NR_VMSCAN_IMMEDIATE },
		{ NR_DIRTIED, RMM_NR_DIRTIED },
		{ NR_WRITTEN, RMM_NR_WRITTEN },
		{ NR_KERNEL_MISC_RECLAIMABLE, RMM_NR_KERNEL_MISC_RECLAIMABLE },
#ifdef CONFIG_SWAP
		{ NR_SWAPCACHE, RMM_NR_SWAPCACHE },
#endif
	};
	unsigned int k;

	for (k = 0; k < ARRAY_SIZE(map); k++)
		if (map[k].k == i)
			return rmm_node_page_state(node, map[k].r);
	return 0;
}

static unsigned long rmm_meta_pages(struct rmm_mm *mm)
{
	return mm->memmap_pages;
}

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
static unsigned long rmm_vm_stat_item(struct rmm_mm *mm, int i)
{
	if (i == NR_MEMMAP_PAGES)
		return rmm_meta_pages(mm);
	return 0;
}
#else
static unsigned long rmm_vm_stat_item(struct rmm_mm *mm, int i)
{
	return 0;
}
#endif

#ifdef CONFIG_VM_EVENT_COUNTERS
static unsigned long rmm_event_item(struct rmm_mm *mm, int i)
{
	static const struct { int k, r; } map[] = {
		{ PSWPIN, RMM_PSWPIN },
		{ PSWPOUT, RMM_PSWPOUT },
		{ PGFREE, RMM_PGFREE },
		{ PGACTIVATE, RMM_PGACTIVATE },
		{ PGDEACTIVATE, RMM_PGDEACTIVATE },
		{ PGMAJFAULT, RMM_PGMAJFAULT },
		{ PGREFILL, RMM_PGREFILL },
		{ PGSTEAL_KSWAPD, RMM_PGSTEAL_KSWAPD },
		{ PGSTEAL_DIRECT, RMM_PGSTEAL_DIRECT },
		{ PGSCAN_KSWAPD, RMM_PGSCAN_KSWAPD },
		{ PGSCAN_DIRECT, RMM_PGSCAN_DIRECT },
		{ PGSCAN_ANON, RMM_PGSCAN_ANON },
		{ PGSCAN_FILE, RMM_PGSCAN_FILE },
		{ PGSTEAL_ANON, RMM_PGSTEAL_ANON },
		{ PGSTEAL_FILE, RMM_PGSTEAL_FILE },
		{ SLABS_SCANNED, RMM_SLABS_SCANNED },
		{ KSWAPD_LOW_WMARK_HIT_QUICKLY,
		  RMM_KSWAPD_LOW_WMARK_HIT_QUICKLY },
		{ KSWAPD_HIGH_WMARK_HIT_QUICKLY,
		  RMM_KSWAPD_HIGH_WMARK_HIT_QUICKLY },
		{ PAGEOUTRUN, RMM_PAGEOUTRUN },
		{ PGROTATED, RMM_PGROTATED },
		{ OOM_KILL, RMM_OOM_KILL },
#ifdef CONFIG_SWAP
		{ SWAP_RA, RMM_SWAP_RA },
		{ SWAP_RA_HIT, RMM_SWAP_RA_HIT },
#endif
#ifdef CONFIG_MIGRATION
		{ PGMIGRATE_SUCCESS, RMM_PGMIGRATE_SUCCESS },
		{ PGMIGRATE_FAIL, RMM_PGMIGRATE_FAIL },
#endif
#ifdef CONFIG_COMPACTION
		{ COMPACTMIGRATE_SCANNED, RMM_COMPACTMIGRATE_SCANNED },
		{ COMPACTFREE_SCANNED, RMM_COMPACTFREE_SCANNED },
		{ COMPACTISOLATED, RMM_COMPACTISOLATED },
		{ COMPACTSTALL, RMM_COMPACTSTALL },
		{ COMPACTFAIL, RMM_COMPACTFAIL },
		{ COMPACTSUCCESS, RMM_COMPACTSUCCESS },
		{ KCOMPACTD_WAKE, RMM_KCOMPACTD_WAKE },
		{ KCOMPACTD_MIGRATE_SCANNED, RMM_KCOMPACTD_MIGRATE_SCANNED },
		{ KCOMPACTD_FREE_SCANNED, RMM_KCOMPACTD_FREE_SCANNED },
#endif
	};
	unsigned int k;
	int base = PGALLOC_NORMAL - ZONE_NORMAL;

	if (i >= base && i < base + MAX_NR_ZONES)
		return rmm_vm_event_state(mm, RMM_PGALLOC + (i - base));
	base = ALLOCSTALL_NORMAL - ZONE_NORMAL;
	if (i >= base && i < base + MAX_NR_ZONES)
		return rmm_vm_event_state(mm, RMM_ALLOCSTALL + (i - base));
	for (k = 0; k < ARRAY_SIZE(map); k++)
		if (map[k].k == i)
			return rmm_vm_event_state(mm, map[k].r);
	return 0;
}
#endif

static inline struct rmm_node *rmm_mm_node(struct rmm_mm *mm, int nid)
{
	return &mm->nodes[nid];
}

static inline struct rmm_zone *rmm_node_zone(struct rmm_node *node, int z)
{
	return &node->node_zones[z];
}

#define for_each_rmm_zone(mm, nid, z, node, zone)			\
	for (nid = 0; nid < (mm)->nr_nodes; nid++)			\
		for (node = rmm_mm_node(mm, nid), z = 0;		\
		     z < MAX_NR_ZONES && (zone = rmm_node_zone(node, z)); z++)

static bool rmm_zone_populated(struct rmm_zone *zone)
{
	return rmm_populated_zone(zone);
}

static bool rmm_is_first_populated(struct rmm_node *node, struct rmm_zone *zone)
{
	int z;

	for (z = 0; z < MAX_NR_ZONES; z++) {
		struct rmm_zone *c = rmm_node_zone(node, z);

		if (rmm_zone_populated(c))
			return c == zone;
	}
	return false;
}

/* the kernel's migratetype index -> regionmm's */
static int rmm_k_mt(int mt)
{
	if (mt < RMM_MIGRATE_CMA)
		return mt;
	if (IS_ENABLED(CONFIG_CMA) && mt == RMM_MIGRATE_CMA)
		return RMM_MIGRATE_CMA;
	return RMM_MIGRATE_ISOLATE;
}

/* ---- zoneinfo ---- */

static void rmm_zoneinfo_zone(struct seq_file *m, int nid,
			      struct rmm_node *node, struct rmm_zone *zone)
{
	int i;

	seq_printf(m, "Node %d, zone %8s", nid, zone->name);
	if (rmm_is_first_populated(node, zone)) {
		seq_puts(m, "\n  per-node stats");
		for (i = 0; i < NR_VM_NODE_STAT_ITEMS; i++)
			seq_printf(m, "\n      %-12s %lu", RMM_VMSTAT_NODE(i),
				   rmm_node_item(node, i));
	}
	seq_printf(m,
		   "\n  pages free     %lu"
		   "\n        boost    %lu"
		   "\n        min      %lu"
		   "\n        low      %lu"
		   "\n        high     %lu",
		   rmm_zone_page_state(zone, RMM_NR_FREE_PAGES),
		   READ_ONCE(zone->watermark_boost),
		   rmm_min_wmark_pages(zone),
		   rmm_low_wmark_pages(zone),
		   rmm_high_wmark_pages(zone));
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	seq_printf(m, "\n        promo    %lu",
		   rmm_promo_wmark_pages(zone));
#endif
	seq_printf(m,
		   "\n        spanned  %lu"
		   "\n        present  %lu"
		   "\n        managed  %lu"
		   "\n        cma      %lu",
		   zone->spanned_pages,
		   zone->present_pages,
		   rmm_zone_managed_pages(zone),
		   zone->cma_pages);
	seq_printf(m, "\n        protection: (%ld",
		   READ_ONCE(zone->lowmem_reserve[0]));
	for (i = 1; i < MAX_NR_ZONES; i++)
		seq_printf(m, ", %ld", READ_ONCE(zone->lowmem_reserve[i]));
	seq_putc(m, ')');

	if (!rmm_zone_populated(zone)) {
		seq_putc(m, '\n');
		return;
	}
	for (i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		seq_printf(m, "\n      %-12s %lu", RMM_VMSTAT_ZONE(i),
			   rmm_zone_item(zone, i));
#ifdef CONFIG_NUMA
	for (i = 0; i < NR_VM_NUMA_EVENT_ITEMS; i++)
		seq_printf(m, "\n      %-12s %lu", RMM_VMSTAT_NUMA(i),
			   rmm_numa_item(zone, i));
#endif
	seq_puts(m, "\n  pagesets");
	for_each_online_cpu(i) {
		struct rmm_per_cpu_pages *p = &zone->pcp[i];

		seq_printf(m,
			   "\n    cpu: %i"
			   "\n              count: %i"
			   "\n              high:  %i"
			   "\n              batch: %i",
			   i, READ_ONCE(p->count), READ_ONCE(p->high),
			   READ_ONCE(p->batch));
#ifdef CONFIG_SMP
		seq_printf(m, "\n  vm stats threshold: %d",
			   READ_ONCE(p->stat_threshold));
#endif
	}
	seq_printf(m,
		   "\n  node_unreclaimable:  %u"
		   "\n  start_pfn:           %lu",
		   rmm_node_unreclaimable(rmm_mm_global, nid) ? 1U : 0U,
		   zone->zone_start_pfn);
	seq_putc(m, '\n');
}

static int rmm_zoneinfo_show(struct seq_file *m, void *v)
{
	struct rmm_mm *mm = rmm_mm_global;
	struct rmm_node *node;
	struct rmm_zone *zone;
	int nid, z;

	for_each_rmm_zone(mm, nid, z, node, zone)
		rmm_zoneinfo_zone(m, nid, node, zone);
	return 0;
}

/* ---- buddyinfo ---- */

static int rmm_buddyinfo_show(struct seq_file *m, void *v)
{
	struct rmm_mm *mm = rmm_mm_global;
	struct rmm_node *node;
	struct rmm_zone *zone;
	int nid, z, o;

	for_each_rmm_zone(mm, nid, z, node, zone) {
		if (!rmm_zone_populated(zone))
			continue;
		seq_printf(m, "Node %d, zone %8s ", nid, zone->name);
		for (o = 0; o < RMM_K_NR_ORDERS; o++)
			seq_printf(m, "%6lu ", o < RMM_NR_ORDERS ?
				   /* no zone->lock, as the kernel's: a snapshot */
				   data_race(zone->free_area[o].nr_free) : 0UL);
		seq_putc(m, '\n');
	}
	return 0;
}

/*
 * ---- extfrag/unusable_index, extfrag/extfrag_index ----
 * mm/vmstat.c's debugfs files (unusable_show_print(), extfrag_show_print()):
 * populated zones, "Node %d, zone %8s " then one index per order in
 * thousandths, "%d.%03d " and "%2d.%03d " (-1000 prints "-1.000"),
 * computed from free_area[].nr_free read under zone->lock, as
 * walk_zones_in_node(..., nolock = false) does.  The kernel's
 * unusable_show() also skips nodes without memory: a regionmm node
 * always has some.
 */
static void rmm_extfrag_print(struct seq_file *m, bool unusable)
{
	struct rmm_mm *mm = rmm_mm_global;
	unsigned long nr_free[RMM_NR_ORDERS];
	struct rmm_contig_page_info info;
	struct rmm_node *node;
	struct rmm_zone *zone;
	int nid, z, o, index;

	for_each_rmm_zone(mm, nid, z, node, zone) {
		if (!rmm_zone_populated(zone))
			continue;
		rmm_zone_nr_free_snapshot(zone, nr_free);
		seq_printf(m, "Node %d, zone %8s ", nid, zone->name);
		for (o = 0; o < RMM_K_NR_ORDERS && o < RMM_NR_ORDERS; o++) {
			rmm_contig_page_info_from(nr_free, o, &info);
			if (unusable) {
				index = rmm_unusable_free_index(o, &info);
				seq_printf(m, "%d.%03d ", index / 1000,
					   index % 1000);
			} else {
				index = __rmm_fragmentation_index(o, &info);
				seq_printf(m, "%2d.%03d ", index / 1000,
					   index % 1000);
			}
		}
		seq_putc(m, '\n');
	}
}

static int rmm_unusable_index_show(struct seq_file *m, void *v)
{
	rmm_extfrag_print(m, true);
	return 0;
}

static int rmm_extfrag_index_show(struct seq_file *m, void *v)
{
	rmm_extfrag_print(m, false);
	return 0;
}

/* ---- pagetypeinfo ---- */

static int rmm_pagetypeinfo_show(struct seq_file *m, void *v)
{
	struct rmm_mm *mm = rmm_mm_global;
	unsigned long blocks[MIGRATE_TYPES];
	struct rmm_node *node;
	struct rmm_zone *zone;
	int nid, z, o, mt;

	for (nid = 0; nid < mm->nr_nodes; nid++) {
		node = rmm_mm_node(mm, nid);
		seq_printf(m, "Page block order: %d\n", RMM_PAGEBLOCK_ORDER);
		seq_printf(m, "Pages per block:  %lu\n",
			   1UL << RMM_PAGEBLOCK_ORDER);
		seq_putc(m, '\n');
		seq_printf(m, "%-43s ",
			   "Free pages count per migrate type at order");
		for (o = 0; o < RMM_K_NR_ORDERS; o++)
			seq_printf(m, "%6d ", o);
		seq_putc(m, '\n');
		for (z = 0; z < MAX_NR_ZONES; z++) {
			zone = rmm_node_zone(node, z);
			if (!rmm_zone_populated(zone))
				continue;
			for (mt = 0; mt < MIGRATE_TYPES; mt++) {
				seq_printf(m, "Node %4d, zone %8s, type %12s ",
					   nid, zone->name,
					   rmm_k_migratetype_names[mt]);
				for (o = 0; o < RMM_K_NR_ORDERS; o++) {
					unsigned long c = 0;

					if (o < RMM_NR_ORDERS)
						c = /* no zone->lock: a snapshot */
						    data_race(zone->free_area[o].nr_free_mt[rmm_k_mt(mt)]);
					/* the kernel stops counting at 100000 */
					seq_printf(m, "%s%6lu ",
						   c >= 100000 ? ">" : "",
						   min(c, 100000UL));
				}
				seq_putc(m, '\n');
				cond_resched();
			}
		}
		seq_printf(m, "\n%-23s", "Number of blocks type ");
		for (mt = 0; mt < MIGRATE_TYPES; mt++)
			seq_printf(m, "%12s ", rmm_k_migratetype_names[mt]);
		seq_putc(m, '\n');
		for (z = 0; z < MAX_NR_ZONES; z++) {
			zone = rmm_node_zone(node, z);
			if (!rmm_zone_populated(zone))
				continue;
			for (mt = 0; mt < MIGRATE_TYPES; mt++)
				blocks[mt] = /* no zone->lock: a snapshot */
					data_race(zone->nr_pageblocks_mt[rmm_k_mt(mt)]);
			seq_printf(m, "Node %d, zone %8s ", nid,
				   zone->name);
			for (mt = 0; mt < MIGRATE_TYPES; mt++)
				seq_printf(m, "%12lu ", blocks[mt]);
			seq_putc(m, '\n');
		}
	}
	return 0;
}

/* ---- vmstat ---- */

static int rmm_vmstat_show(struct seq_file *m, void *v)
{
	struct rmm_mm *mm = rmm_mm_global;
	struct rmm_node *node;
	struct rmm_zone *zone;
	unsigned long *val;
	int nid, z, i, off;

	val = kcalloc(RMM_NR_VMSTAT_ITEMS, sizeof(*val), GFP_KERNEL);
	if (!val)
		return -ENOMEM;
	for_each_rmm_zone(mm, nid, z, node, zone) {
		for (i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
			val[i] += rmm_zone_item(zone, i);
		for (i = 0; i < NR_VM_NUMA_EVENT_ITEMS; i++)
			val[NR_VM_ZONE_STAT_ITEMS + i] += rmm_numa_item(zone, i);
	}
	off = NR_VM_ZONE_STAT_ITEMS + NR_VM_NUMA_EVENT_ITEMS;
	for (nid = 0; nid < mm->nr_nodes; nid++)
		for (i = 0; i < NR_VM_NODE_STAT_ITEMS; i++)
			val[off + i] += rmm_node_item(rmm_mm_node(mm, nid), i);
	off += NR_VM_NODE_STAT_ITEMS;
	for (i = 0; i < RMM_NR_VM_STAT_ITEMS; i++)
		val[off + i] = rmm_vm_stat_item(mm, i);
#ifdef CONFIG_VM_EVENT_COUNTERS
	off += RMM_NR_VM_STAT_ITEMS;
	for (i = 0; i < NR_VM_EVENT_ITEMS; i++)
		val[off + i] = rmm_event_item(mm, i);
#endif
	for (i = 0; i < RMM_NR_VMSTAT_ITEMS; i++) {
		seq_puts(m, rmm_vmstat_text[i]);
		seq_put_decimal_ull(m, " ", val[i]);
		seq_putc(m, '\n');
	}
	seq_puts(m, "nr_unstable 0\n");
	kfree(val);
	return 0;
}

/* ---- meminfo ---- */

static void rmm_show_kb(struct seq_file *m, const char *s, unsigned long num)
{
	/* show_val_kb(); seq_put_decimal_ull_width() is not exported */
	seq_printf(m, "%s%8lu kB\n", s, num << (PAGE_SHIFT - 10));
}

static int rmm_meminfo_show(struct seq_file *m, void *v)
{
	struct rmm_mm *mm = rmm_mm_global;
	unsigned long total = 0, free = 0, cma = 0, cma_free = 0;
	unsigned long srecl = 0, sunrecl = 0;
	unsigned long anon = 0, mapped = 0, shmem = 0, file = 0;
	unsigned long lru[RMM_NR_LRU_LISTS] = { 0 }, swapcache = 0;
	unsigned long swap_total, swap_free;
	long available;
	struct rmm_node *node;
	struct rmm_zone *zone;
	int nid, z;

	for_each_rmm_zone(mm, nid, z, node, zone) {
		total += rmm_zone_managed_pages(zone);
		free += rmm_zone_page_state(zone, RMM_NR_FREE_PAGES);
		cma += zone->cma_pages;
		cma_free += rmm_zone_item(zone, NR_FREE_CMA_PAGES);
	}
	for (nid = 0; nid < mm->nr_nodes; nid++) {
		node = rmm_mm_node(mm, nid);
		srecl += rmm_node_item(node, NR_SLAB_RECLAIMABLE_B);
		sunrecl += rmm_node_item(node, NR_SLAB_UNRECLAIMABLE_B);
		anon += rmm_node_item(node, NR_ANON_MAPPED);
		mapped += rmm_node_item(node, NR_FILE_MAPPED);
		shmem += rmm_node_item(node, NR_SHMEM);
		file += rmm_node_item(node, NR_FILE_PAGES);
		/* global_node_page_state(NR_LRU_BASE + lru) */
		for (z = 0; z < RMM_NR_LRU_LISTS; z++)
			lru[z] += rmm_node_page_state(node,
						      RMM_NR_INACTIVE_ANON + z);
		/* total_swapcache_pages() */
		swapcache += rmm_node_page_state(node, RMM_NR_SWAPCACHE);
	}
	available = rmm_mm_si_mem_available(mm);
	rmm_swap_totals(mm, &swap_total, &swap_free);

	rmm_show_kb(m, "MemTotal:       ", total);
	rmm_show_kb(m, "MemFree:        ", free);
	rmm_show_kb(m, "MemAvailable:   ", available);
	rmm_show_kb(m, "Buffers:        ", 0);
	/*
	 * meminfo_proc_show(): NR_FILE_PAGES less swap cache and buffers
	 * (none), at least 0; the swap cache counts in both, as
	 * add_to_swap_cache() does (swapfile.c)
	 */
	rmm_show_kb(m, "Cached:         ", file > swapcache ?
		    file - swapcache : 0);
	rmm_show_kb(m, "SwapCached:     ", swapcache);
	rmm_show_kb(m, "Active:         ", lru[RMM_LRU_ACTIVE_ANON] +
		    lru[RMM_LRU_ACTIVE_FILE]);
	rmm_show_kb(m, "Inactive:       ", lru[RMM_LRU_INACTIVE_ANON] +
		    lru[RMM_LRU_INACTIVE_FILE]);
	rmm_show_kb(m, "Active(anon):   ", lru[RMM_LRU_ACTIVE_ANON]);
	rmm_show_kb(m, "Inactive(anon): ", lru[RMM_LRU_INACTIVE_ANON]);
	rmm_show_kb(m, "Active(file):   ", lru[RMM_LRU_ACTIVE_FILE]);
	rmm_show_kb(m, "Inactive(file): ", lru[RMM_LRU_INACTIVE_FILE]);
	rmm_show_kb(m, "Unevictable:    ", 0);
	rmm_show_kb(m, "Mlocked:        ", 0);
#ifdef CONFIG_HIGHMEM
	rmm_show_kb(m, "HighTotal:      ", 0);
	rmm_show_kb(m, "HighFree:       ", 0);
	rmm_show_kb(m, "LowTotal:       ", total);
	rmm_show_kb(m, "LowFree:        ", free);
#endif
	rmm_show_kb(m, "SwapTotal:      ", swap_total);
	rmm_show_kb(m, "SwapFree:       ", swap_free);
#ifdef CONFIG_ZSWAP
	rmm_show_kb(m, "Zswap:          ", 0);
	seq_printf(m, "Zswapped:       %8lu kB\n", 0UL);
#endif
	rmm_show_kb(m, "Dirty:          ", 0);
	rmm_show_kb(m, "Writeback:      ", 0);
	rmm_show_kb(m, "AnonPages:      ", anon);
	rmm_show_kb(m, "Mapped:         ", mapped);
	rmm_show_kb(m, "Shmem:          ", shmem);
	rmm_show_kb(m, "KReclaimable:   ", srecl);
	rmm_show_kb(m, "Slab:           ", srecl + sunrecl);
	rmm_show_kb(m, "SReclaimable:   ", srecl);
	rmm_show_kb(m, "SUnreclaim:     ", sunrecl);
	seq_printf(m, "KernelStack:    %8lu kB\n", 0UL);
#ifdef CONFIG_SHADOW_CALL_STACK
	seq_printf(m, "ShadowCallStack:%8lu kB\n", 0UL);
#endif
	rmm_show_kb(m, "PageTables:     ", 0);
	rmm_show_kb(m, "SecPageTables:  ", 0);
	rmm_show_kb(m, "NFS_Unstable:   ", 0);
	rmm_show_kb(m, "Bounce:         ", 0);
	rmm_show_kb(m, "WritebackTmp:   ", 0);
	rmm_show_kb(m, "CommitLimit:    ", 0);
	rmm_show_kb(m, "Committed_AS:   ", 0);
	seq_printf(m, "VmallocTotal:   %8lu kB\n", 0UL);
	rmm_show_kb(m, "VmallocUsed:    ", 0);
	rmm_show_kb(m, "VmallocChunk:   ", 0);
	rmm_show_kb(m, "Percpu:         ", 0);
#ifdef CONFIG_MEMORY_FAILURE
	seq_printf(m, "HardwareCorrupted: %5lu kB\n", 0UL);
#endif
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	rmm_show_kb(m, "AnonHugePages:  ", 0);
	rmm_show_kb(m, "ShmemHugePages: ", 0);
	rmm_show_kb(m, "ShmemPmdMapped: ", 0);
	rmm_show_kb(m, "FileHugePages:  ", 0);
	rmm_show_kb(m, "FilePmdMapped:  ", 0);
#endif
#ifdef CONFIG_CMA
	rmm_show_kb(m, "CmaTotal:       ", cma);
	rmm_show_kb(m, "CmaFree:        ", cma_free);
#endif
#if defined(CONFIG_UNACCEPTED_MEMORY) && \
	LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	rmm_show_kb(m, "Unaccepted:     ", 0);
#endif
#ifdef CONFIG_HUGETLB_PAGE
	if (hugepages_supported()) {
		seq_printf(m,
			   "HugePages_Total:   %5lu\n"
			   "HugePages_Free:    %5lu\n"
			   "HugePages_Rsvd:    %5lu\n"
			   "HugePages_Surp:    %5lu\n"
			   "Hugepagesize:   %8lu kB\n",
			   0UL, 0UL, 0UL, 0UL,
			   (unsigned long)(HPAGE_SIZE / SZ_1K));
		seq_printf(m, "Hugetlb:        %8lu kB\n", 0UL);
	}
#endif
#ifdef CONFIG_X86
	/* arch_report_meminfo(): regionmm maps nothing itself */
	seq_printf(m, "DirectMap4k:    %8lu kB\n", 0UL);
	seq_printf(m, "DirectMap2M:    %8lu kB\n", 0UL);
	if (IS_ENABLED(CONFIG_X86_DIRECT_GBPAGES) &&
	    boot_cpu_has(X86_FEATURE_GBPAGES))
		seq_printf(m, "DirectMap1G:    %8lu kB\n", 0UL);
#endif
	/* descriptors, and the memory objects' indexes (memobj.h) */
	seq_printf(m, "Metadata:       %8lu kB\n",
		   (rmm_meta_pages(mm) << (PAGE_SHIFT - 10)) +
		   (rmm_memobj_metadata_bytes(mm) >> 10));
	return 0;
}

/* ---- stats: regionmm's own counters, "name value" ---- */

static int rmm_stats_show(struct seq_file *m, void *v)
{
	struct rmm_mm *mm = rmm_mm_global;
	int i;

	for (i = 0; i < RMM_NR_STAT_ITEMS; i++) {
		seq_puts(m, rmm_stat_names[i]);
		seq_put_decimal_ull(m, " ", rmm_mm_stat(mm, i));
		seq_putc(m, '\n');
	}
	return 0;
}

/* ---- compat: which kernel's behaviour the instance follows ---- */

/*
 * The Debian package version in a Debian kernel's uname -v ("#1 SMP
 * PREEMPT_DYNAMIC Debian 6.12.117-1~deb12u1 (2025-...)"), copied into
 * @buf; false when the kernel is not a Debian build.
 */
static bool rmm_debian_pkg(const char *version, char *buf, size_t len)
{
	const char *p = strstr(version, "Debian ");
	size_t n;

	if (!p)
		return false;
	p += strlen("Debian ");
	n = strcspn(p, " ");
	if (!n || n >= len)
		return false;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return true;
}

static int rmm_compat_show(struct seq_file *m, void *v)
{
	struct new_utsname *u = init_utsname();
	unsigned int sub = LINUX_VERSION_SUBLEVEL;
	struct rmm_behaviour b;
	char pkg[__NEW_UTS_LEN + 1];
	bool have_pkg;

	rmm_mm_behaviour(rmm_mm_global, &b);
	have_pkg = rmm_debian_pkg(u->version, pkg, sizeof(pkg));
	seq_printf(m, "release: %s\n", u->release);
	seq_printf(m, "kernel: %d.%d.%u\n", LINUX_VERSION_MAJOR,
		   LINUX_VERSION_PATCHLEVEL, sub);
	seq_printf(m, "package: %s\n", have_pkg ? pkg : "unknown");
	seq_printf(m, "family: %s\n", b.family);
	seq_printf(m, "verified: %s\n", b.verified_pkg);
	seq_printf(m, "pcp: %s\n", b.pcp);
	seq_printf(m, "fallback: %s\n", b.fallback);
	seq_printf(m, "watermarks: %s\n", b.watermarks);
	seq_printf(m, "min_free_kbytes: %s\n", b.min_free_kbytes);
	seq_printf(m, "lru: %s\n", b.lru);
	if (sub > b.verified_sublevel ||
	    (sub == b.verified_sublevel && have_pkg &&
	     strcmp(pkg, b.verified_pkg)))
		seq_printf(m,
			   "warning: this kernel (%d.%d.%u, package %s) %s %s, the one regionmm's %s behaviour was verified against: its allocator may differ\n",
			   LINUX_VERSION_MAJOR, LINUX_VERSION_PATCHLEVEL, sub,
			   have_pkg ? pkg : "unknown",
			   sub > b.verified_sublevel ? "is newer than" :
			   "differs from", b.verified_pkg, b.family);
	return 0;
}

int rmm_procfs_init(void)
{
	struct proc_dir_entry *d, *ef;
	int ret;

	d = proc_mkdir("regionmm", NULL);
	if (!d) {
		pr_err("procfs: cannot create /proc/regionmm\n");
		return -ENOMEM;
	}
	rmm_proc_dir = d;
	if (!proc_create_single("zoneinfo", 0444, d, rmm_zoneinfo_show) ||
	    !proc_create_single("buddyinfo", 0444, d, rmm_buddyinfo_show) ||
	    !proc_create_single("pagetypeinfo", 0400, d,
				rmm_pagetypeinfo_show) ||
	    !proc_create_single("vmstat", 0444, d, rmm_vmstat_show) ||
	    !proc_create_single("meminfo", 0444, d, rmm_meminfo_show) ||
	    !proc_create_single("stats", 0444, d, rmm_stats_show) ||
	    !proc_create_single("compat", 0444, d, rmm_compat_show)) {
		pr_err("procfs: cannot create the files of /proc/regionmm\n");
		ret = -ENOMEM;
		goto err;
	}
	/* debugfs's extfrag/ files are 0444 */
	ef = proc_mkdir("extfrag", d);
	if (!ef ||
	    !proc_create_single("unusable_index", 0444, ef,
				rmm_unusable_index_show) ||
	    !proc_create_single("extfrag_index", 0444, ef,
				rmm_extfrag_index_show)) {
		pr_err("procfs: cannot create /proc/regionmm/extfrag\n");
		ret = -ENOMEM;
		goto err;
	}
	ret = rmm_slabinfo_init(d);
	if (ret)
		goto err;
	ret = rmm_tasks_init(d);
	if (ret)
		goto err;
	return 0;
err:
	proc_remove(d);
	rmm_proc_dir = NULL;
	return ret;
}

void rmm_procfs_exit(void)
{
	rmm_slabinfo_exit();
	proc_remove(rmm_proc_dir);
	rmm_proc_dir = NULL;
}
