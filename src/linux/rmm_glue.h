/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of the Linux glue (src/linux): backends that take
 * memory from the running kernel, the global instance, procfs, sysctl and
 * the /dev/regionmm character device.
 *
 * Invariants:
 *   rmm_glue.nr_chunks <= RMM_GLUE_MAX_CHUNKS;
 *   every chunk is claimed (request_mem_region / dma_alloc_pages /
 *   alloc_contig_range / alloc_pages) from rmm_backends_claim() until
 *   rmm_backends_release(), and chunks never overlap;
 *   rmm_mm_global != NULL  <=>  the core instance is initialised and the
 *   user-visible files exist (they are created after and removed before).
 *
 * Locking: module init/exit run single threaded; after init the chunk
 * table is read-only.  Tunable writes are serialised by rmm_sysctl_mutex.
 */
#ifndef _RMM_GLUE_H
#define _RMM_GLUE_H

#include <linux/types.h>
#include <linux/version.h>

#define RMM_GLUE_MAX_CHUNKS	256

enum rmm_chunk_src {
	RMM_SRC_REGION,		/* memmap=SIZE$START, request_mem_region */
	RMM_SRC_CMA,		/* dma_alloc_pages from the cma= area */
	RMM_SRC_BORROW_CONTIG,	/* alloc_contig_range */
	RMM_SRC_BORROW_PAGES,	/* alloc_pages(MAX order) blocks */
};

struct rmm_chunk {
	u64 start_pfn;
	u64 nr_pages;
	int real_nid;		/* node of the running kernel */
	int nid;		/* dense regionmm node */
	void *vaddr;
	enum rmm_chunk_src src;
	struct resource *res;	/* RMM_SRC_REGION */
	unsigned int order;	/* RMM_SRC_BORROW_PAGES: block order */
	dma_addr_t dma;		/* RMM_SRC_CMA */
};

struct rmm_glue {
	struct rmm_chunk chunk[RMM_GLUE_MAX_CHUNKS];
	int nr_chunks;
	int nr_nodes;
	int real_nid[MAX_NUMNODES];	/* regionmm node -> kernel node */
	u64 movable_pages;
	struct platform_device *cma_pdev;
};

extern struct rmm_glue rmm_glue;
extern struct rmm_mm *rmm_mm_global;

/* module.c: parameter values (strings as given) */
extern char *rmm_param_region;
extern char *rmm_param_cma;
extern char *rmm_param_borrow;
extern char *rmm_param_borrow_method;
extern char *rmm_param_movablecore;

/* backend.c */
int rmm_backends_claim(struct rmm_glue *g);
void rmm_backends_release(struct rmm_glue *g);

/* procfs.c */
int rmm_procfs_init(void);
void rmm_procfs_exit(void);

/* sysctl.c */
int rmm_sysctl_init(void);
void rmm_sysctl_exit(void);

/* chardev.c */
int rmm_chardev_init(void);
void rmm_chardev_exit(void);

/*
 * pcp_work.c: once-a-second per-CPU housekeeping (vmstat_update's job),
 * started and stopped per CPU by a CPU-hotplug online state
 */
int rmm_pcp_work_start(void);
void rmm_pcp_work_stop(void);

/*
 * /dev/regionmm command handlers (chardev.c dispatches; slab: rmm_file.h).
 * ioctl_page.c: cmd 0x00..0x3f; rmm_page_release() frees every block the
 * file holds (release, FREE_ALL), taking f->lock.
 */
struct rmm_file;
long rmm_page_ioctl(struct rmm_file *f, unsigned int cmd, unsigned long arg);
void rmm_page_release(struct rmm_file *f);
/* ioctl_wmark.c: RMM_IOC_CALC_WMARKS (no file state) */
long rmm_wmark_ioctl(void __user *argp);

/*
 * kswapd.c: one "rmm_kswapd<nid>" thread per node, started after
 * rmm_reclaim_init() and stopped before rmm_reclaim_fini();
 * rmm_kswapd_wake() is ops->wake_kswapd (any context)
 */
struct rmm_mm;
struct rmm_page;
int rmm_kswapd_start(struct rmm_mm *mm);
void rmm_kswapd_stop(struct rmm_mm *mm);
void rmm_kswapd_wake(struct rmm_mm *mm, int nid);

/*
 * oom.c: ops->out_of_memory; rmm_oom_init() (its workqueue) before the
 * core instance exists, rmm_oom_exit() once no allocation can run
 */
bool rmm_glue_out_of_memory(struct rmm_mm *mm, unsigned int order,
			    unsigned int gfp);
int rmm_oom_init(void);
void rmm_oom_exit(void);

/*
 * swap_dev.c: swap devices (swapfile= at load, RMM_IOC_SWAPON/SWAPOFF,
 * /proc/regionmm/swaps) and the swap_io op.  init after the core's
 * rmm_swap_init() and /proc/regionmm; exit before both (swaps every
 * device off).
 */
int rmm_swap_dev_init(struct rmm_mm *mm);
void rmm_swap_dev_exit(struct rmm_mm *mm);
int rmm_swap_dev_io(struct rmm_mm *mm, u64 dev_cookie, u64 offset,
		    void *addr, bool write);
int rmm_swap_dev_write_async(struct rmm_mm *mm, u64 dev_cookie, u64 offset,
			     void *addr, struct rmm_page *page);
void rmm_swap_dev_read_batch(struct rmm_mm *mm, u64 dev_cookie,
			     const u64 *offsets, void *const *addrs, int nr,
			     int *errs);
/* RMM_IOC_SWAP_FIRST..RMM_IOC_SWAP_LAST (CAP_SYS_ADMIN checked by chardev.c) */
long rmm_swap_ioctl(unsigned int cmd, unsigned long arg);

/* cacheinfo.c: 6.12's per_cpu_data_slice_size of @cpu in bytes, or 0 */
unsigned int rmm_cpu_data_slice_size(unsigned int cpu);

/* vmstat_names.c: the running kernel's /proc/vmstat item names */
extern const char * const rmm_vmstat_text[];
void rmm_vmstat_names_check(void);

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define RMM_NR_VM_STAT_ITEMS	NR_VM_STAT_ITEMS
#else
#define RMM_NR_VM_STAT_ITEMS	NR_VM_WRITEBACK_STAT_ITEMS
#endif
#define RMM_NR_VMSTAT_ITEMS (NR_VM_ZONE_STAT_ITEMS + \
			     NR_VM_NUMA_EVENT_ITEMS + \
			     NR_VM_NODE_STAT_ITEMS + \
			     RMM_NR_VM_STAT_ITEMS + \
			     (IS_ENABLED(CONFIG_VM_EVENT_COUNTERS) ? \
			      NR_VM_EVENT_ITEMS : 0))
#define RMM_VMSTAT_ZONE(i)	rmm_vmstat_text[(i)]
#define RMM_VMSTAT_NUMA(i)	rmm_vmstat_text[NR_VM_ZONE_STAT_ITEMS + (i)]
#define RMM_VMSTAT_NODE(i)	rmm_vmstat_text[NR_VM_ZONE_STAT_ITEMS + \
					NR_VM_NUMA_EVENT_ITEMS + (i)]

#endif /* _RMM_GLUE_H */
