// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/regionmm/tasks: which processes hold regionmm memory, in the
 * manner of the kernel's OOM task dump (mm/oom_kill.c dump_tasks()):
 *
 *   [  pid  ]      rss swapents oom_score_adj              badness name
 *   [    312]     2048        0             0                 2048 rmm_mmap_test
 *
 * one line per process with regionmm pages (rss > 0), in process-list
 * order.  rss counts the pages of the views its mappings cover, per
 * mapping (a page mapped twice counts twice, as an RSS counts entries; a
 * page shared by several processes counts for each), plus the pages held
 * through the page ioctls of every /dev/regionmm it opened.  swapents is 0
 * until regionmm swaps.  badness is rmm_oom_badness() (src/core/oom_kill.c,
 * the kernel's oom_badness() over regionmm's pages): rss + swapents +
 * adj * (totalpages / 1000) with totalpages = regionmm's managed pages,
 * and LONG_MIN, as oom_badness() returns it, for a process the OOM killer
 * never picks (oom_score_adj -1000, MMF_OOM_SKIP, in vfork, init or a
 * kernel thread, no mm left).  Documentation/mmap.rst has the format.
 *
 * Locking: the mappings are counted first (rmm_mmap_count_rss(): the
 * objects' and views' locks, may sleep); the address spaces found are
 * pinned (mmgrab) so their pointers cannot be reused, then matched to
 * processes under RCU and task_lock, as the kernel's dump does.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/oom.h>
#include <linux/pid.h>
#include <linux/proc_fs.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include "rmm_port.h"
#include "mmzone.h"
#include "vmstat.h"
#include "rmm_glue.h"
#include "rmm_mmap.h"
#include "oom_kill.h"

struct rmm_task_rss {
	void *key;		/* struct mm_struct * or struct pid * */
	u64 pages;
};

struct rmm_tasks_acc {
	struct rmm_task_rss *mms, *pids;
	int nr_mms, nr_pids, max_mms, max_pids;
	bool nomem;
};

static struct rmm_task_rss *rmm_tasks_slot(struct rmm_task_rss **a, int *nr,
					   int *max, void *key, bool *nomem)
{
	int i;

	for (i = 0; i < *nr; i++)
		if ((*a)[i].key == key)
			return &(*a)[i];
	if (*nr == *max) {
		int m = *max ? *max * 2 : 16;
		struct rmm_task_rss *n = krealloc_array(*a, m, sizeof(**a),
							GFP_KERNEL);

		if (!n) {
			*nomem = true;
			return NULL;
		}
		*a = n;
		*max = m;
	}
	(*a)[*nr].key = key;
	(*a)[*nr].pages = 0;
	return &(*a)[(*nr)++];
}

void rmm_tasks_add_mm(struct rmm_tasks_acc *t, struct mm_struct *mm,
		      u64 pages)
{
	struct rmm_task_rss *s;
	int nr = t->nr_mms;

	s = rmm_tasks_slot(&t->mms, &t->nr_mms, &t->max_mms, mm, &t->nomem);
	if (!s)
		return;
	if (t->nr_mms > nr)
		mmgrab(mm);	/* the pointer stays this mm's until mmdrop */
	s->pages += pages;
}

void rmm_tasks_add_pid(struct rmm_tasks_acc *t, struct pid *pid,
		       unsigned long pages)
{
	struct rmm_task_rss *s;

	s = rmm_tasks_slot(&t->pids, &t->nr_pids, &t->max_pids, pid,
			   &t->nomem);
	if (s)
		s->pages += pages;
}

/*
 * The mm of @p as find_lock_task_mm() (not exported) finds it: any
 * thread's, the leader may have exited.  Its MMF_OOM_SKIP and the
 * thread's comm are read under that thread's task_lock; the pointer is
 * only compared afterwards (with the mms pinned by rmm_tasks_add_mm()).
 */
static struct mm_struct *rmm_task_mm(struct task_struct *p, bool *oom_skip,
				     char *comm)
{
	struct mm_struct *mm = NULL;
	struct task_struct *t;

	for_each_thread(p, t) {
		task_lock(t);
		mm = t->mm;
		if (mm) {
			*oom_skip = test_bit(MMF_OOM_SKIP, &mm->flags);
			strscpy(comm, t->comm, TASK_COMM_LEN);
		}
		task_unlock(t);
		if (mm)
			break;
	}
	return mm;
}

static int rmm_tasks_show(struct seq_file *m, void *v)
{
	struct rmm_mm *rmm = rmm_mm_global;
	struct rmm_oom_control oc;
	struct rmm_tasks_acc t = { };
	struct task_struct *p;
	int i;

	rmm_oom_control_init(rmm, &oc);	/* totalpages as the OOM killer's */
	rmm_mmap_count_rss(&t);
	rmm_files_count_held(&t);
	if (t.nomem)
		seq_puts(m, "# incomplete: out of memory\n");
	seq_puts(m, "[  pid  ]      rss swapents oom_score_adj              badness name\n");
	rcu_read_lock();
	for_each_process(p) {
		char comm[TASK_COMM_LEN];
		struct mm_struct *mm;
		struct rmm_oom_task ot = { };
		u64 rss = 0, swapents = 0;
		bool skip = false;
		long points;

		for (i = 0; i < t.nr_pids; i++)
			if (t.pids[i].key == task_tgid(p))
				rss += t.pids[i].pages;
		strscpy(comm, p->comm, sizeof(comm));
		mm = rmm_task_mm(p, &skip, comm);
		for (i = 0; mm && i < t.nr_mms; i++)
			if (t.mms[i].key == mm)
				rss += t.mms[i].pages;
		if (!rss)
			continue;
		/* the policy is the core's: oom_kill.c, oom_badness() */
		ot.oom_score_adj = p->signal->oom_score_adj;
		ot.flags = (skip ? RMM_OOM_MM_SKIP : 0) |
			   (mm ? 0 : RMM_OOM_NO_MM) |
			   (in_vfork(p) ? RMM_OOM_VFORK : 0) |
			   (is_global_init(p) || (p->flags & PF_KTHREAD) ?
			    RMM_OOM_UNKILLABLE : 0);
		ot.rss_anon = rss;	/* only the sum counts here */
		ot.swapents = swapents;
		points = rmm_oom_badness(&ot, oc.totalpages);
		seq_printf(m, "[%7d] %8llu %8llu         %5d %20ld %s\n",
			   task_pid_nr(p), rss, swapents,
			   (int)ot.oom_score_adj, points, comm);
	}
	rcu_read_unlock();
	for (i = 0; i < t.nr_mms; i++)
		mmdrop(t.mms[i].key);
	kfree(t.mms);
	kfree(t.pids);
	return 0;
}

int rmm_tasks_init(struct proc_dir_entry *dir)
{
	return proc_create_single("tasks", 0444, dir, rmm_tasks_show) ?
		0 : -ENOMEM;
}
