// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/regionmm/tasks: which processes hold regionmm memory, in the
 * manner of the kernel's OOM task dump (mm/oom_kill.c dump_tasks()):
 *
 *   [  pid  ]      rss swapents oom_score_adj              badness name
 *   [    312]     2048        0             0                 2048 rmm_mmap_test
 *
 * one line per process with regionmm pages (rss or swapents > 0), in
 * process-list order.  rss counts the pages of the views its mappings
 * cover, per mapping (a page mapped twice counts twice, as an RSS counts
 * entries; a page shared by several processes counts for each), plus the
 * pages held through the page ioctls of every /dev/regionmm it opened.
 * swapents counts the same way the index entries of those views that are
 * in swap (rmm_memview_count_swap()).  badness is rmm_oom_badness()
 * (src/core/oom_kill.c, the kernel's oom_badness() over regionmm's
 * pages): rss + swapents + adj * (totalpages / 1000) with totalpages as
 * the OOM killer's (rmm_oom_control_init()), and LONG_MIN, as
 * oom_badness() returns it, for a process the OOM killer never picks
 * (oom_score_adj -1000, MMF_OOM_SKIP, in vfork, init or a kernel thread,
 * no mm left).  Documentation/mmap.rst has the format.
 *
 * The same gathering describes the candidates of regionmm's OOM killer
 * (oom.c): rmm_tasks_gather(), rmm_tasks_describe() per process under
 * RCU, rmm_tasks_put().
 *
 * Locking: the mappings are counted first (rmm_mmap_count_rss(): the
 * objects' and views' locks, may sleep); the address spaces found are
 * pinned (mmgrab) so their pointers cannot be reused, then matched to
 * processes under RCU and task_lock, as the kernel's dump does.
 */
#include <linux/kernel.h>
#include <linux/cred.h>
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
	u64 anon, shmem;	/* resident: PRIVATE / SHARED objects */
	u64 swap;		/* swap entries */
	u64 vm;			/* pages of the mappings (total_vm) */
};

struct rmm_tasks_acc {
	struct rmm_task_rss *mms, *pids;
	int nr_mms, nr_pids, max_mms, max_pids;
	bool nomem;
	struct task_struct *task;	/* the allocating (or reading) task */
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
	memset(&(*a)[*nr], 0, sizeof(**a));
	(*a)[*nr].key = key;
	return &(*a)[(*nr)++];
}

void rmm_tasks_add_mm(struct rmm_tasks_acc *t, struct mm_struct *mm,
		      bool shared, u64 pages, u64 swap, u64 vm_pages)
{
	struct rmm_task_rss *s;
	int nr = t->nr_mms;

	s = rmm_tasks_slot(&t->mms, &t->nr_mms, &t->max_mms, mm, &t->nomem);
	if (!s)
		return;
	if (t->nr_mms > nr)
		mmgrab(mm);	/* the pointer stays this mm's until mmdrop */
	if (shared)
		s->shmem += pages;
	else
		s->anon += pages;
	s->swap += swap;
	s->vm += vm_pages;
}

void rmm_tasks_add_pid(struct rmm_tasks_acc *t, struct pid *pid,
		       unsigned long pages)
{
	struct rmm_task_rss *s;

	s = rmm_tasks_slot(&t->pids, &t->nr_pids, &t->max_pids, pid,
			   &t->nomem);
	if (s)
		s->anon += pages;
}

/*
 * The mm of @p as find_lock_task_mm() (not exported) finds it: any
 * thread's, the leader may have exited.  Its MMF_OOM_SKIP and the
 * thread's comm and pid are read under that thread's task_lock; the
 * pointer is only compared afterwards (with the mms pinned by
 * rmm_tasks_add_mm()).
 */
static struct mm_struct *rmm_task_mm(struct task_struct *p, bool *oom_skip,
				     char *comm, int *pid)
{
	struct mm_struct *mm = NULL;
	struct task_struct *t;

	for_each_thread(p, t) {
		task_lock(t);
		mm = t->mm;
		if (mm) {
			*oom_skip = test_bit(MMF_OOM_SKIP, &mm->flags);
			strscpy(comm, t->comm, TASK_COMM_LEN);
			*pid = task_pid_nr(t);
		}
		task_unlock(t);
		if (mm)
			break;
	}
	return mm;
}

struct rmm_tasks_acc *rmm_tasks_gather(struct task_struct *task)
{
	struct rmm_tasks_acc *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return NULL;
	t->task = task;
	rmm_mmap_count_rss(t);
	rmm_files_count_held(t);
	return t;
}

struct task_struct *rmm_tasks_task(const struct rmm_tasks_acc *t)
{
	return t->task;
}

bool rmm_tasks_incomplete(const struct rmm_tasks_acc *t)
{
	return t->nomem;
}

void rmm_tasks_put(struct rmm_tasks_acc *t)
{
	int i;

	if (!t)
		return;
	for (i = 0; i < t->nr_mms; i++)
		mmdrop(t->mms[i].key);
	kfree(t->mms);
	kfree(t->pids);
	kfree(t);
}

bool rmm_tasks_describe(struct rmm_tasks_acc *t, struct task_struct *p,
			struct rmm_oom_task *ot, struct mm_struct **mmp)
{
	struct mm_struct *mm;
	bool skip = false;
	int i;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "tasks: describe needs RCU");
	memset(ot, 0, sizeof(*ot));
	for (i = 0; i < t->nr_pids; i++)
		if (t->pids[i].key == task_tgid(p))
			ot->rss_anon += t->pids[i].anon;
	strscpy(ot->comm, p->comm, sizeof(ot->comm));
	ot->pid = task_pid_nr(p);
	mm = rmm_task_mm(p, &skip, ot->comm, &ot->pid);
	for (i = 0; mm && i < t->nr_mms; i++) {
		if (t->mms[i].key != mm)
			continue;
		ot->rss_anon += t->mms[i].anon;
		ot->rss_shmem += t->mms[i].shmem;
		ot->swapents += t->mms[i].swap;
		ot->total_vm += t->mms[i].vm;
	}
	if (!rmm_oom_task_rss(ot) && !ot->swapents)
		return false;
	ot->cookie = (u64)(uintptr_t)p;
	ot->tgid = task_tgid_nr(p);
	ot->uid = from_kuid(&init_user_ns, task_uid(p));
	ot->oom_score_adj = p->signal->oom_score_adj;
	ot->flags = (skip ? RMM_OOM_MM_SKIP : 0) |
		    (mm ? 0 : RMM_OOM_NO_MM) |
		    (in_vfork(p) ? RMM_OOM_VFORK : 0) |
		    (oom_task_origin(p) ? RMM_OOM_ORIGIN : 0) |
		    (same_thread_group(p, t->task) ? RMM_OOM_ALLOCATING : 0) |
		    (is_global_init(p) || (p->flags & PF_KTHREAD) ?
		     RMM_OOM_UNKILLABLE : 0);
	if (mmp)
		*mmp = mm;
	return true;
}

u64 rmm_tasks_mm_anon(const struct rmm_tasks_acc *t, struct mm_struct *mm)
{
	int i;

	for (i = 0; i < t->nr_mms; i++)
		if (t->mms[i].key == mm)
			return t->mms[i].anon;
	return 0;
}

static int rmm_tasks_show(struct seq_file *m, void *v)
{
	struct rmm_mm *rmm = rmm_mm_global;
	struct rmm_oom_control oc;
	struct rmm_tasks_acc *t;
	struct task_struct *p;

	rmm_oom_control_init(rmm, &oc);	/* totalpages as the OOM killer's */
	t = rmm_tasks_gather(current);
	if (!t)
		return -ENOMEM;
	if (rmm_tasks_incomplete(t))
		seq_puts(m, "# incomplete: out of memory\n");
	seq_puts(m, "[  pid  ]      rss swapents oom_score_adj              badness name\n");
	rcu_read_lock();
	for_each_process(p) {
		struct rmm_oom_task ot;
		long points;

		if (!rmm_tasks_describe(t, p, &ot, NULL))
			continue;
		/* the policy is the core's: oom_kill.c, oom_badness() */
		points = rmm_oom_badness(&ot, oc.totalpages);
		seq_printf(m, "[%7d] %8lu %8lu         %5d %20ld %s\n",
			   task_pid_nr(p), rmm_oom_task_rss(&ot), ot.swapents,
			   (int)ot.oom_score_adj, points, ot.comm);
	}
	rcu_read_unlock();
	rmm_tasks_put(t);
	return 0;
}

int rmm_tasks_init(struct proc_dir_entry *dir)
{
	return proc_create_single("tasks", 0444, dir, rmm_tasks_show) ?
		0 : -ENOMEM;
}
