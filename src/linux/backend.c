// SPDX-License-Identifier: GPL-2.0
/*
 * Region backends: where regionmm's memory comes from.
 *
 *   region=SIZE@START[,SIZE@START...]  memory the kernel never used, set
 *       aside at boot with memmap=SIZE$START (an e820 "Reserved" range,
 *       not System RAM).  Only RAM the user reserved is accepted: the
 *       firmware's own map must call every page of it RAM
 *       (rmm_firmware_ram()).  Claimed with request_mem_region("regionmm"),
 *       mapped with memremap(MEMREMAP_WB).
 *   cma=SIZE  taken from the boot-time cma= area through the DMA API on a
 *       platform device the module owns (cma_alloc() is not exported).
 *       Chunks are larger than the buddy allocator's largest block, so the
 *       DMA layer cannot satisfy them from anywhere but CMA.
 *   borrow=SIZE  taken from the running kernel at load time: one
 *       contiguous range through alloc_contig_range() when one can be
 *       isolated, else blocks of the largest buddy order (a zone with
 *       holes).  borrow_method=contig|blocks forces one of the two.
 *
 * All parameters are checked before anything is claimed; a failure while
 * claiming releases what was claimed so far (no partial state).
 *
 * Invariants: chunks are disjoint; chunk[i].nr_pages > 0;
 *   chunk[i].vaddr maps [start_pfn, start_pfn + nr_pages) write-back.
 * Locking: runs from module init/exit only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/memory_hotplug.h>
#include <linux/numa.h>
#include <linux/nodemask.h>
#include <linux/sort.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmstat.h>
#include <linux/platform_device.h>
#include <linux/dma-mapping.h>
#include <linux/sched.h>
#include <asm/processor.h>
#include <asm/e820/api.h>
#include "rmm_glue.h"

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define RMM_MAX_BUDDY_ORDER	MAX_PAGE_ORDER
#else
#define RMM_MAX_BUDDY_ORDER	(MAX_ORDER - 1)
#endif

/* default borrow= size and the share of free memory it may take */
#define RMM_BORROW_DEFAULT	(64ULL << 20)
#define RMM_CMA_CHUNK_MIN	((PAGE_SIZE << RMM_MAX_BUDDY_ORDER) * 2)

struct rmm_req {
	u64 start, size;
};

static u64 rmm_phys_limit(void)
{
	return 1ULL << boot_cpu_data.x86_phys_bits;
}

static int rmm_parse_size(const char *param, const char *s, u64 *out)
{
	char *end;
	u64 v;

	if (!s || !*s) {
		pr_err("%s: empty value\n", param);
		return -EINVAL;
	}
	v = memparse(s, &end);
	if (*end && *end != '\n') {
		pr_err("%s: '%s' is not a size\n", param, s);
		return -EINVAL;
	}
	if (!v) {
		pr_err("%s: size is 0 (empty)\n", param);
		return -EINVAL;
	}
	if (!PAGE_ALIGNED(v)) {
		pr_err("%s: size %llu is not page-aligned\n", param, v);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/*
 * Is every byte of [start, start + size) RAM in the firmware's own memory
 * map?  /proc/iomem cannot tell: memmap=SIZE$START turns RAM into an e820
 * "Reserved" range exactly like the firmware's reserved areas look (BIOS
 * ROM, ACPI, QEMU's reserved hole below 1 TiB), and memmap=$ over an
 * address hole adds a "Reserved" range with no memory behind it at all.
 * The firmware's table (e820_table_firmware, what /sys/firmware/memmap
 * shows) is copied before the command line is parsed, so there a memmap=$
 * reservation is still E820_TYPE_RAM.  The only exported look-up,
 * e820__mapped_raw_any(), answers "does any entry of this type overlap",
 * and the table is sanitized (sorted, no overlaps, neighbours of one type
 * merged).  So:
 *   1. no entry of any non-RAM type the kernel knows overlaps the range
 *      (one call per type: catches reserved/ACPI/... areas of any size);
 *   2. the first and the last byte of every page is in a RAM entry
 *      (catches holes and entries of unknown types a page or more long).
 * What the two miss is a gap smaller than a page between two RAM entries
 * inside one page, which no firmware reports.  Cost: two table walks per
 * page, done once at load.
 */
static bool rmm_firmware_ram(u64 start, u64 size)
{
	static const enum e820_type not_ram[] = {
		E820_TYPE_RESERVED, E820_TYPE_ACPI, E820_TYPE_NVS,
		E820_TYPE_UNUSABLE, E820_TYPE_PMEM, E820_TYPE_PRAM,
		E820_TYPE_SOFT_RESERVED,
	};
	u64 p, end = start + size;
	int i;

	for (i = 0; i < ARRAY_SIZE(not_ram); i++)
		if (e820__mapped_raw_any(start, end, not_ram[i]))
			return false;
	for (p = start; p < end; p += PAGE_SIZE) {
		if (!e820__mapped_raw_any(p, p + 1, E820_TYPE_RAM) ||
		    !e820__mapped_raw_any(p + PAGE_SIZE - 1, p + PAGE_SIZE,
					  E820_TYPE_RAM))
			return false;
		if (!((p >> PAGE_SHIFT) & 4095))
			cond_resched();
	}
	return true;
}

static int rmm_add_covered(struct resource *res, void *arg)
{
	u64 *covered = arg;

	*covered += resource_size(res);
	return 0;
}

/* Parse and check every region= range; claims nothing. */
static int rmm_parse_regions(const char *str, struct rmm_req *req, int *nr)
{
	char *buf, *p, *tok;
	int n = 0, i, ret = 0;

	buf = kstrdup(str, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	p = strim(buf);
	if (!*p) {
		pr_err("region: empty list\n");
		ret = -EINVAL;
		goto out;
	}
	while ((tok = strsep(&p, ",")) != NULL) {
		u64 size, start, covered = 0;
		char *end;

		if (n == RMM_GLUE_MAX_CHUNKS) {
			pr_err("region: more than %d ranges\n",
			       RMM_GLUE_MAX_CHUNKS);
			ret = -EINVAL;
			goto out;
		}
		if (!*tok) {
			pr_err("region: empty range in list\n");
			ret = -EINVAL;
			goto out;
		}
		size = memparse(tok, &end);
		if (*end != '@') {
			pr_err("region: '%s' is not SIZE@START\n", tok);
			ret = -EINVAL;
			goto out;
		}
		start = memparse(end + 1, &end);
		if (*end) {
			pr_err("region: '%s' is not SIZE@START\n", tok);
			ret = -EINVAL;
			goto out;
		}
		if (!size) {
			pr_err("region: %s is empty (size 0)\n", tok);
			ret = -EINVAL;
			goto out;
		}
		if (!PAGE_ALIGNED(size) || !PAGE_ALIGNED(start)) {
			pr_err("region: %s is not page-aligned\n", tok);
			ret = -EINVAL;
			goto out;
		}
		if (start + size < start || start + size > rmm_phys_limit()) {
			pr_err("region: %s is beyond physical memory (%u address bits)\n",
			       tok, boot_cpu_data.x86_phys_bits);
			ret = -EINVAL;
			goto out;
		}
		for (i = 0; i < n; i++) {
			if (start < req[i].start + req[i].size &&
			    req[i].start < start + size) {
				pr_err("region: %s overlaps another range of region=\n",
				       tok);
				ret = -EINVAL;
				goto out;
			}
		}
		if (region_intersects(start, size, IORESOURCE_SYSTEM_RAM,
				      IORES_DESC_NONE) != REGION_DISJOINT) {
			pr_err("region: %s overlaps System RAM (reserve it with memmap=SIZE$START)\n",
			       tok);
			ret = -EINVAL;
			goto out;
		}
		walk_iomem_res_desc(IORES_DESC_RESERVED, IORESOURCE_MEM,
				    start, start + size - 1, &covered,
				    rmm_add_covered);
		if (covered < size) {
			pr_err("region: %s is not inside a memmap= reserved range (beyond memory?)\n",
			       tok);
			ret = -EINVAL;
			goto out;
		}
		if (!rmm_firmware_ram(start, size)) {
			pr_err("region: %s is not RAM in the firmware's memory map (a firmware area or a hole; reserve RAM with memmap=SIZE$START)\n",
			       tok);
			ret = -EINVAL;
			goto out;
		}
		req[n].start = start;
		req[n].size = size;
		n++;
	}
	*nr = n;
out:
	kfree(buf);
	return ret;
}

/* node of the System RAM page next to [start, start + size), if any */
static int rmm_neighbour_nid(u64 start, u64 size)
{
	unsigned long pfn[2] = { PHYS_PFN(start) - 1, PHYS_PFN(start + size) };
	int i;

	for (i = 0; i < 2; i++) {
		struct page *page = pfn_to_online_page(pfn[i]);

		if (page)
			return page_to_nid(page);
	}
	return NUMA_NO_NODE;
}

/*
 * The kernel node of a memmap= range: from the firmware tables (SRAT) kept
 * after boot with CONFIG_NUMA_KEEP_MEMINFO, else from the adjacent RAM.
 */
static int rmm_region_nid(u64 start, u64 size)
{
	int nid = NUMA_NO_NODE;

	if (IS_ENABLED(CONFIG_NUMA_KEEP_MEMINFO)) {
		nid = phys_to_target_node(start);
		if (nid == NUMA_NO_NODE)
			nid = memory_add_physaddr_to_nid(start);
	}
	if (nid == NUMA_NO_NODE)
		nid = rmm_neighbour_nid(start, size);
	if (nid < 0 || nid >= MAX_NUMNODES || !node_online(nid))
		nid = first_online_node;
	return nid;
}

static struct rmm_chunk *rmm_new_chunk(struct rmm_glue *g)
{
	struct rmm_chunk *c;

	if (g->nr_chunks >= RMM_GLUE_MAX_CHUNKS)
		return NULL;
	c = &g->chunk[g->nr_chunks++];
	memset(c, 0, sizeof(*c));
	return c;
}

static int rmm_claim_regions(struct rmm_glue *g, struct rmm_req *req, int nr)
{
	int i;

	for (i = 0; i < nr; i++) {
		struct rmm_chunk *c = rmm_new_chunk(g);
		struct resource *res;
		void *va;

		if (!c) {
			pr_err("region: too many chunks\n");
			return -EINVAL;
		}
		g->nr_chunks--;		/* committed below once complete */
		res = request_mem_region(req[i].start, req[i].size, "regionmm");
		if (!res) {
			pr_err("region: %#llx-%#llx is already claimed (see /proc/iomem)\n",
			       req[i].start, req[i].start + req[i].size - 1);
			return -EBUSY;
		}
		va = memremap(req[i].start, req[i].size, MEMREMAP_WB);
		if (!va) {
			release_mem_region(req[i].start, req[i].size);
			pr_err("region: cannot map %#llx-%#llx\n", req[i].start,
			       req[i].start + req[i].size - 1);
			return -ENOMEM;
		}
		g->nr_chunks++;
		c->src = RMM_SRC_REGION;
		c->start_pfn = PHYS_PFN(req[i].start);
		c->nr_pages = req[i].size >> PAGE_SHIFT;
		c->vaddr = va;
		c->res = res;
		c->real_nid = rmm_region_nid(req[i].start, req[i].size);
	}
	return 0;
}

/* ---- cma= ---- */

static int rmm_claim_cma(struct rmm_glue *g, u64 size)
{
#ifdef CONFIG_DMA_CMA
	struct platform_device_info info = {
		.name = "regionmm-cma",
		.id = PLATFORM_DEVID_NONE,
		.dma_mask = DMA_BIT_MASK(64),
	};
	struct platform_device *pdev;
	u64 left = size, chunk = min_t(u64, size, 32ULL << 20);
	unsigned long cma_before, cma_after;

	pdev = platform_device_register_full(&info);
	if (IS_ERR(pdev)) {
		pr_err("cma: cannot create the DMA device (%ld)\n",
		       PTR_ERR(pdev));
		return PTR_ERR(pdev);
	}
	g->cma_pdev = pdev;
	dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));

	cma_before = global_zone_page_state(NR_FREE_CMA_PAGES);
	while (left) {
		struct rmm_chunk *c;
		struct page *page;
		dma_addr_t dma;
		u64 this = min(chunk, left);

		c = rmm_new_chunk(g);
		if (!c) {
			pr_err("cma: too many chunks\n");
			return -EINVAL;
		}
		page = dma_alloc_pages(&pdev->dev, this, &dma,
				       DMA_BIDIRECTIONAL,
				       GFP_KERNEL | __GFP_NOWARN);
		if (!page) {
			g->nr_chunks--;
			if (chunk > RMM_CMA_CHUNK_MIN && this == chunk) {
				chunk = max_t(u64, chunk / 2, RMM_CMA_CHUNK_MIN);
				continue;
			}
			pr_err("cma: only %llu of %llu MiB available in the CMA area (boot with cma=)\n",
			       (size - left) >> 20, size >> 20);
			return -ENOMEM;
		}
		c->src = RMM_SRC_CMA;
		c->start_pfn = page_to_pfn(page);
		c->nr_pages = this >> PAGE_SHIFT;
		c->vaddr = page_address(page);
		c->dma = dma;
		c->real_nid = page_to_nid(page);
		left -= this;
	}
	cma_after = global_zone_page_state(NR_FREE_CMA_PAGES);
	pr_info("cma: %llu MiB from the CMA area (free CMA pages %lu -> %lu)\n",
		size >> 20, cma_before, cma_after);
	return 0;
#else
	pr_err("cma: this kernel has no CONFIG_DMA_CMA\n");
	return -EINVAL;
#endif
}

/* ---- borrow= ---- */

static bool rmm_range_borrowable(unsigned long start, unsigned long nr)
{
	struct zone *zone = NULL;
	unsigned long pfn;

	for (pfn = start; pfn < start + nr; pfn++) {
		struct page *page = pfn_to_online_page(pfn);

		if (!page || PageReserved(page))
			return false;
		if (!zone)
			zone = page_zone(page);
		else if (page_zone(page) != zone)
			return false;
		if (PageHuge(page) || PageCompound(page))
			return false;
	}
	return zone != NULL;
}

/* Try to take one contiguous, aligned range from node @nid. */
static int rmm_borrow_contig(struct rmm_glue *g, int nid, u64 nr_pages)
{
	unsigned long align = max_t(unsigned long, pageblock_nr_pages,
				    1UL << RMM_MAX_BUDDY_ORDER);
	unsigned long end = node_end_pfn(nid), start_limit = node_start_pfn(nid);
	unsigned long pfn;
	int tries = 0;

	if (end - start_limit < nr_pages)
		return -ENOMEM;
	pfn = ALIGN_DOWN(end - nr_pages, align);
	for (; pfn >= start_limit && tries < 8; pfn -= ALIGN(nr_pages, align)) {
		struct rmm_chunk *c;

		if (!rmm_range_borrowable(pfn, nr_pages)) {
			if (pfn < ALIGN(nr_pages, align))
				break;
			continue;
		}
		tries++;
		if (alloc_contig_range(pfn, pfn + nr_pages, MIGRATE_MOVABLE,
				       GFP_KERNEL | __GFP_NOWARN) == 0) {
			c = rmm_new_chunk(g);
			if (!c) {
				free_contig_range(pfn, nr_pages);
				return -ENOMEM;
			}
			c->src = RMM_SRC_BORROW_CONTIG;
			c->start_pfn = pfn;
			c->nr_pages = nr_pages;
			c->vaddr = page_address(pfn_to_page(pfn));
			c->real_nid = nid;
			return 0;
		}
		if (pfn < ALIGN(nr_pages, align))
			break;
	}
	return -ENOMEM;
}

static int rmm_cmp_chunk(const void *a, const void *b)
{
	const struct rmm_chunk *x = a, *y = b;

	if (x->start_pfn < y->start_pfn)
		return -1;
	return x->start_pfn > y->start_pfn;
}

static int rmm_borrow_blocks(struct rmm_glue *g, u64 nr_pages)
{
	int first = g->nr_chunks;
	u64 got = 0;

	while (got < nr_pages) {
		unsigned int order = RMM_MAX_BUDDY_ORDER;
		struct rmm_chunk *c;
		struct page *page;

		while ((1ULL << order) > nr_pages - got)
			order--;
		c = rmm_new_chunk(g);
		if (!c) {
			pr_err("borrow: memory too fragmented (more than %d blocks)\n",
			       RMM_GLUE_MAX_CHUNKS);
			return -ENOMEM;
		}
		page = alloc_pages(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY,
				   order);
		if (!page) {
			g->nr_chunks--;
			pr_err("borrow: only %llu of %llu pages available\n",
			       got, nr_pages);
			return -ENOMEM;
		}
		c->src = RMM_SRC_BORROW_PAGES;
		c->order = order;
		c->start_pfn = page_to_pfn(page);
		c->nr_pages = 1ULL << order;
		c->vaddr = page_address(page);
		c->real_nid = page_to_nid(page);
		got += c->nr_pages;
	}
	/* sorted by address; adjacent blocks become one range in the core */
	sort(&g->chunk[first], g->nr_chunks - first, sizeof(g->chunk[0]),
	     rmm_cmp_chunk, NULL);
	return 0;
}

/* borrow_method=: how borrow= takes its memory */
enum rmm_borrow_method {
	RMM_BORROW_AUTO,	/* contig, else blocks */
	RMM_BORROW_CONTIG,	/* alloc_contig_range() only */
	RMM_BORROW_BLOCKS,	/* alloc_pages() blocks only */
};

static const char * const rmm_borrow_method_names[] = {
	[RMM_BORROW_AUTO] = "auto",
	[RMM_BORROW_CONTIG] = "contig",
	[RMM_BORROW_BLOCKS] = "blocks",
};

static int rmm_parse_borrow_method(const char *s, bool borrowing,
				   enum rmm_borrow_method *out)
{
	int i;

	*out = RMM_BORROW_AUTO;
	if (!s)
		return 0;
	i = sysfs_match_string(rmm_borrow_method_names, s);
	if (i < 0) {
		pr_err("borrow_method: '%s' is not auto, contig or blocks\n", s);
		return -EINVAL;
	}
	if (!borrowing) {
		pr_err("borrow_method: %s given without borrow= (region=/cma= borrow nothing)\n",
		       s);
		return -EINVAL;
	}
	*out = i;
	return 0;
}

/* log where the blocks landed: ranges after merging adjacent blocks */
static void rmm_borrow_blocks_report(struct rmm_glue *g, int first, u64 size)
{
	int i, ranges = 0, blocks = g->nr_chunks - first;
	u64 span;

	for (i = first; i < g->nr_chunks; i++)
		if (i == first || g->chunk[i - 1].start_pfn +
		    g->chunk[i - 1].nr_pages != g->chunk[i].start_pfn)
			ranges++;
	span = g->chunk[g->nr_chunks - 1].start_pfn +
	       g->chunk[g->nr_chunks - 1].nr_pages - g->chunk[first].start_pfn;
	pr_info("borrow: %llu MiB in %d blocks, %d range(s) spanning %llu MiB\n",
		size >> 20, blocks, ranges, (span << PAGE_SHIFT) >> 20);
}

static int rmm_claim_borrow(struct rmm_glue *g, u64 size,
			    enum rmm_borrow_method method)
{
	u64 nr_pages = size >> PAGE_SHIFT;
	struct sysinfo si;
	int nid, first, ret;

	si_meminfo(&si);
	if (nr_pages > si.freeram / 4 * 3) {
		pr_err("borrow: %llu MiB is more than 3/4 of free memory (%lu MiB)\n",
		       size >> 20, (si.freeram << PAGE_SHIFT) >> 20);
		return -EINVAL;
	}
	if (method != RMM_BORROW_BLOCKS) {
		for_each_node_state(nid, N_MEMORY) {
			if (rmm_borrow_contig(g, nid, nr_pages) == 0) {
				pr_info("borrow: %llu MiB contiguous from node %d\n",
					size >> 20, nid);
				return 0;
			}
		}
		if (method == RMM_BORROW_CONTIG) {
			pr_err("borrow: no contiguous %llu MiB range can be isolated (borrow_method=contig)\n",
			       size >> 20);
			return -ENOMEM;
		}
		pr_info("borrow: no contiguous %llu MiB range, taking order-%d blocks\n",
			size >> 20, RMM_MAX_BUDDY_ORDER);
	}
	first = g->nr_chunks;
	ret = rmm_borrow_blocks(g, nr_pages);
	if (!ret)
		rmm_borrow_blocks_report(g, first, size);
	return ret;
}

/* ---- movablecore= ---- */

static int rmm_parse_movable(struct rmm_glue *g, u64 total_pages)
{
	const char *s = rmm_param_movablecore;
	char *end;
	u64 v;

	g->movable_pages = 0;
	if (!s)
		return 0;
	if (!*s) {
		pr_err("movablecore: empty value\n");
		return -EINVAL;
	}
	v = memparse(s, &end);
	if (*end == '%' && !end[1]) {
		if (v > 100) {
			pr_err("movablecore: %s is more than 100%%\n", s);
			return -EINVAL;
		}
		g->movable_pages = div_u64(total_pages * v, 100);
		return 0;
	}
	if (*end) {
		pr_err("movablecore: '%s' is not SIZE or N%%\n", s);
		return -EINVAL;
	}
	if (!PAGE_ALIGNED(v)) {
		pr_err("movablecore: %llu is not page-aligned\n", v);
		return -EINVAL;
	}
	if ((v >> PAGE_SHIFT) > total_pages) {
		pr_err("movablecore: %llu MiB is larger than the region (%llu MiB)\n",
		       v >> 20, (total_pages << PAGE_SHIFT) >> 20);
		return -EINVAL;
	}
	g->movable_pages = v >> PAGE_SHIFT;
	return 0;
}

void rmm_backends_release(struct rmm_glue *g)
{
	int i;

	for (i = g->nr_chunks - 1; i >= 0; i--) {
		struct rmm_chunk *c = &g->chunk[i];

		switch (c->src) {
		case RMM_SRC_REGION:
			memunmap(c->vaddr);
			release_mem_region(PFN_PHYS(c->start_pfn),
					   c->nr_pages << PAGE_SHIFT);
			break;
		case RMM_SRC_CMA:
			dma_free_pages(&g->cma_pdev->dev,
				       c->nr_pages << PAGE_SHIFT,
				       pfn_to_page(c->start_pfn), c->dma,
				       DMA_BIDIRECTIONAL);
			break;
		case RMM_SRC_BORROW_CONTIG:
			free_contig_range(c->start_pfn, c->nr_pages);
			break;
		case RMM_SRC_BORROW_PAGES:
			__free_pages(pfn_to_page(c->start_pfn), c->order);
			break;
		}
	}
	g->nr_chunks = 0;
	if (g->cma_pdev) {
		platform_device_unregister(g->cma_pdev);
		g->cma_pdev = NULL;
	}
}

static int rmm_cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static int rmm_map_nodes(struct rmm_glue *g)
{
	int i, j;

	g->nr_nodes = 0;
	for (i = 0; i < g->nr_chunks; i++) {
		struct rmm_chunk *c = &g->chunk[i];

		for (j = 0; j < g->nr_nodes; j++)
			if (g->real_nid[j] == c->real_nid)
				break;
		if (j == g->nr_nodes)
			g->real_nid[g->nr_nodes++] = c->real_nid;
	}
	/* dense regionmm ids in the kernel's node order */
	sort(g->real_nid, g->nr_nodes, sizeof(int), rmm_cmp_int, NULL);
	for (i = 0; i < g->nr_chunks; i++)
		for (j = 0; j < g->nr_nodes; j++)
			if (g->real_nid[j] == g->chunk[i].real_nid)
				g->chunk[i].nid = j;
	return 0;
}

int rmm_backends_claim(struct rmm_glue *g)
{
	struct rmm_req *req = NULL;
	u64 cma_size = 0, borrow_size = 0, total = 0;
	enum rmm_borrow_method method;
	int nr_req = 0, ret, i;
	/* NULL: not given; "": given empty (refused below) */
	bool any = rmm_param_region || rmm_param_cma || rmm_param_borrow;

	/* 1. check everything, claim nothing */
	if (rmm_param_region) {
		req = kcalloc(RMM_GLUE_MAX_CHUNKS, sizeof(*req), GFP_KERNEL);
		if (!req)
			return -ENOMEM;
		ret = rmm_parse_regions(rmm_param_region, req, &nr_req);
		if (ret)
			goto out;
	}
	if (rmm_param_cma) {
		ret = rmm_parse_size("cma", rmm_param_cma, &cma_size);
		if (ret)
			goto out;
		if (!IS_ENABLED(CONFIG_DMA_CMA)) {
			pr_err("cma: this kernel has no CONFIG_DMA_CMA (use region= or borrow=)\n");
			ret = -EINVAL;
			goto out;
		}
		if (cma_size % RMM_CMA_CHUNK_MIN) {
			pr_err("cma: size must be a multiple of %lu MiB\n",
			       RMM_CMA_CHUNK_MIN >> 20);
			ret = -EINVAL;
			goto out;
		}
	}
	if (rmm_param_borrow) {
		ret = rmm_parse_size("borrow", rmm_param_borrow, &borrow_size);
		if (ret)
			goto out;
	} else if (!any) {
		struct sysinfo si;

		si_meminfo(&si);
		borrow_size = min_t(u64, RMM_BORROW_DEFAULT,
				    ALIGN_DOWN((u64)(si.freeram / 8) << PAGE_SHIFT,
					       4ULL << 20));
		if (!borrow_size) {
			pr_err("borrow: not enough free memory for a default region\n");
			ret = -ENOMEM;
			goto out;
		}
	}
	ret = rmm_parse_borrow_method(rmm_param_borrow_method, borrow_size,
				      &method);
	if (ret)
		goto out;

	for (i = 0; i < nr_req; i++)
		total += req[i].size >> PAGE_SHIFT;
	total += (cma_size + borrow_size) >> PAGE_SHIFT;
	ret = rmm_parse_movable(g, total);
	if (ret)
		goto out;

	/* 2. claim; undo everything on failure */
	g->nr_chunks = 0;
	ret = rmm_claim_regions(g, req, nr_req);
	if (!ret && cma_size)
		ret = rmm_claim_cma(g, cma_size);
	if (!ret && borrow_size)
		ret = rmm_claim_borrow(g, borrow_size, method);
	if (ret)
		goto undo;
	rmm_map_nodes(g);
	goto out;
undo:
	rmm_backends_release(g);
out:
	kfree(req);
	return ret;
}
