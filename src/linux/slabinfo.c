// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/regionmm/slabinfo: regionmm's caches in the kernel's slabinfo 2.1
 * format (mm/slab_common.c print_slabinfo_header()/cache_show(), the same
 * in 6.1 and 6.12), so slabtop and other /proc/slabinfo parsers read it
 * unchanged.  Mode 0400 like the kernel's (SLABINFO_RIGHTS).
 *
 * Line: "%-17s %6lu %6lu %6u %4u %4d" name active_objs num_objs objsize
 *       objperslab pagesperslab, " : tunables %4u %4u %4u" limit
 *       batchcount sharedfactor, " : slabdata %6lu %6lu %6lu" active_slabs
 *       num_slabs sharedavail.  16 fields.  Caches newest first, like the
 *       kernel's slab_caches list.
 * Values (as SLUB's get_slabinfo()): num_objs = slabs * objperslab;
 *       active_objs = num_objs - objects on slab freelists (objects cached
 *       in per-CPU arrays count as active); objsize is the slot size;
 *       tunables are the per-CPU array limit and batch (0 for debug caches,
 *       which have none); sharedfactor and sharedavail are 0.
 *
 * Locking: the instance's slab lock is held across one whole read so that
 * no cache is destroyed under us; counters are read without node locks
 * (a line is a snapshot, as in the kernel).
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "slab.h"
#include "rmm_glue.h"
#include "rmm_file.h"

static struct proc_dir_entry *slabinfo_pde;

static void slabinfo_header(struct seq_file *m)
{
	seq_puts(m, "slabinfo - version: 2.1\n");
	seq_puts(m, "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>");
	seq_puts(m, " : tunables <limit> <batchcount> <sharedfactor>");
	seq_puts(m, " : slabdata <active_slabs> <num_slabs> <sharedavail>");
	seq_putc(m, '\n');
}

static void slabinfo_cache_show(struct seq_file *m, struct rmm_cache *c)
{
	struct rmm_slabinfo si;

	memset(&si, 0, sizeof(si));
	rmm_cache_get_slabinfo(c, &si);
	seq_printf(m, "%-17s %6lu %6lu %6u %4u %4d",
		   c->name, si.active_objs, si.num_objs, c->size,
		   si.objects_per_slab, (1 << si.cache_order));
	seq_printf(m, " : tunables %4u %4u %4u", si.limit, si.batchcount, 0U);
	seq_printf(m, " : slabdata %6lu %6lu %6lu",
		   si.active_slabs, si.num_slabs, 0UL);
	seq_putc(m, '\n');
}

static int slabinfo_show(struct seq_file *m, void *v)
{
	struct rmm_mm *mm = READ_ONCE(rmm_mm_global);
	struct rmm_slab_root *r = mm ? mm->slab : NULL;
	struct rmm_slab_list *l;

	slabinfo_header(m);
	if (!r)
		return 0;
	rmm_spin_lock(&r->lock);
	for (l = r->caches.next; l != &r->caches; l = l->next)
		slabinfo_cache_show(m, container_of(l, struct rmm_cache, list));
	rmm_spin_unlock(&r->lock);
	return 0;
}

static int slabinfo_open(struct inode *inode, struct file *file)
{
	return single_open(file, slabinfo_show, NULL);
}

static const struct proc_ops slabinfo_proc_ops = {
	.proc_open	= slabinfo_open,
	.proc_read	= seq_read,
	.proc_lseek	= seq_lseek,
	.proc_release	= single_release,
};

int rmm_slabinfo_init(struct proc_dir_entry *dir)
{
	slabinfo_pde = proc_create("slabinfo", 0400, dir, &slabinfo_proc_ops);
	return slabinfo_pde ? 0 : -ENOMEM;
}

void rmm_slabinfo_exit(void)
{
	proc_remove(slabinfo_pde);
	slabinfo_pde = NULL;
}
