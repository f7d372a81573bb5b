// SPDX-License-Identifier: GPL-2.0
/*
 * oom.c - regionmm's OOM killer, the mechanism around src/core/oom_kill.c's
 * policy (mm/oom_kill.c out_of_memory(), __oom_kill_process() and the oom
 * reaper), as ops->out_of_memory (module.c).  The core's allocation slow
 * path calls it when reclaim gave up (__alloc_pages_may_oom()'s rules).
 *
 *   1. A task that is already dying (fatal signal, exiting) gets false:
 *      its allocation fails, as an OOM victim's does once ALLOC_OOM did
 *      not help, and it exits and frees its memory.
 *   2. rmm_oom_lock: one OOM kill at a time (the kernel's oom_lock).  A
 *      second caller waits for the first (at most a second: the first may
 *      be waiting for a view lock the second holds) and retries (true).
 *   3. Describe every process that holds regionmm memory (tasks.c's
 *      gathering, the same as /proc/regionmm/tasks: resident pages of its
 *      mappings and ioctl blocks, swap entries, oom_score_adj, flags),
 *      choose with rmm_oom_select().  Earlier victims (ours, or the
 *      kernel's: tsk_is_oom_victim()) still exiting abort the choice
 *      (true: wait for them) unless they were reaped (MMF_OOM_SKIP's role).
 *   4. Print the kernel's report: "<comm> invoked oom-killer: ...", the
 *      task dump when oom_dump_tasks, "Out of memory: Killed process ...";
 *      kill the victim's thread group (kill_pid(task_tgid(), SIGKILL, 1):
 *      do_send_sig_info(SIGKILL, SEND_SIG_PRIV, .., PIDTYPE_TGID)), count
 *      oom_kill, and reap at once: the PRIVATE views of its address space
 *      give their pages back (rmm_mmap_reap()), "oom_reaper: reaped
 *      process ...".  Its SHARED objects and ioctl blocks are freed when
 *      it has exited and closed its files.
 *
 * Nothing here is reached by the kernel's own OOM killer, and regionmm
 * never returns VM_FAULT_OOM.  Differences from the kernel (row "oom" of
 * Documentation/kernel-compat.rst): no dump_stack() and show_mem() in the
 * header, no panic when nothing is killable (the allocation fails),
 * processes sharing the victim's mm through CLONE_VM without
 * CLONE_THREAD are not killed with it.
 *
 * Invariants: rmm_oom_victims holds a pid reference per victim until its
 * thread group is gone; reaped is set once its views were reaped.
 *
 * Locking: rmm_oom_lock (mutex, the outermost regionmm lock: taken with
 * no lock of the glue's held, but possibly under a memobj view lock of
 * the allocating task, which the gathering and the reaper never take
 * again: rmm_vma.lock_owner) protects rmm_oom_victims; then the
 * gathering's rmm_mobjs_lock, object and view locks; RCU for the process
 * walk.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/oom.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include "rmm_port.h"
#include "mmzone.h"
#include "vmstat.h"
#include "oom_kill.h"
#include "rmm_glue.h"
#include "rmm_mmap.h"

struct rmm_oom_victim {
	struct list_head node;
	struct pid *pid;		/* the thread group's */
	bool reaped;
};

static DEFINE_MUTEX(rmm_oom_lock);
static DECLARE_WAIT_QUEUE_HEAD(rmm_oom_wait);
static LIST_HEAD(rmm_oom_victims);

/* victims whose thread group is gone are forgotten */
static void rmm_oom_prune_victims(void)
{
	struct rmm_oom_victim *v, *n;

	lockdep_assert_held(&rmm_oom_lock);
	list_for_each_entry_safe(v, n, &rmm_oom_victims, node) {
		bool alive;

		rcu_read_lock();
		alive = pid_task(v->pid, PIDTYPE_TGID) != NULL;
		rcu_read_unlock();
		if (alive)
			continue;
		list_del(&v->node);
		put_pid(v->pid);
		kfree(v);
	}
}

/* tsk_is_oom_victim() for our victims and the kernel's (RCU held) */
static void rmm_oom_victim_flags(struct task_struct *p,
				 struct rmm_oom_task *ot)
{
	struct rmm_oom_victim *v;
	struct mm_struct *oom_mm;

	list_for_each_entry(v, &rmm_oom_victims, node) {
		if (v->pid != task_tgid(p))
			continue;
		ot->flags |= RMM_OOM_VICTIM;
		if (v->reaped)
			ot->flags |= RMM_OOM_MM_SKIP;
		return;
	}
	oom_mm = READ_ONCE(p->signal->oom_mm);
	if (oom_mm) {
		ot->flags |= RMM_OOM_VICTIM;
		if (test_bit(MMF_OOM_SKIP, &oom_mm->flags))
			ot->flags |= RMM_OOM_MM_SKIP;
	}
}

struct rmm_oom_set {
	struct rmm_oom_task *t;
	struct task_struct **task;
	struct mm_struct **mm;
	int nr, max;
};

/*
 * The candidates, in process-list order, each task with a reference.
 * Processes beyond the first count (a few may appear between the two
 * walks) are left out.
 */
static int rmm_oom_collect(struct rmm_tasks_acc *acc, struct rmm_oom_set *s)
{
	struct task_struct *p;
	struct rmm_oom_task ot;
	int n = 0;

	rcu_read_lock();
	for_each_process(p)
		n += rmm_tasks_describe(acc, p, &ot, NULL);
	rcu_read_unlock();
	s->max = n + 8;
	s->t = kvcalloc(s->max, sizeof(*s->t), GFP_KERNEL);
	s->task = kvcalloc(s->max, sizeof(*s->task), GFP_KERNEL);
	s->mm = kvcalloc(s->max, sizeof(*s->mm), GFP_KERNEL);
	if (!s->t || !s->task || !s->mm)
		return -ENOMEM;
	rcu_read_lock();
	for_each_process(p) {
		struct rmm_oom_task *t = &s->t[s->nr];

		if (s->nr == s->max)
			break;
		if (!rmm_tasks_describe(acc, p, t, &s->mm[s->nr]))
			continue;
		rmm_oom_victim_flags(p, t);
		get_task_struct(p);
		s->task[s->nr++] = p;
	}
	rcu_read_unlock();
	return 0;
}

static void rmm_oom_set_free(struct rmm_oom_set *s)
{
	int i;

	for (i = 0; i < s->nr; i++)
		put_task_struct(s->task[i]);
	kvfree(s->t);
	kvfree(s->task);
	kvfree(s->mm);
}

/* dump_header(): the first line and dump_tasks() */
static void rmm_oom_header(struct rmm_oom_control *oc, struct rmm_oom_set *s,
			   unsigned int order, rmm_gfp_t gfp)
{
	char buf[256];
	int i;

	pr_warn("%s invoked oom-killer: gfp_mask=%#x, order=%u, oom_score_adj=%d\n",
		current->comm, (unsigned int)gfp, order,
		current->signal->oom_score_adj);
	if (!oc->dump_tasks)
		return;
	for (i = 0; i < 2; i++) {
		rmm_oom_format_dump_header(buf, sizeof(buf), oc, i);
		pr_info("%s", buf);
	}
	for (i = 0; i < s->nr; i++)
		if (rmm_oom_format_dump_task(buf, sizeof(buf), oc, &s->t[i]))
			pr_info("%s", buf);
}

/* __oom_kill_process() and the reaper for candidate @i */
static void rmm_oom_kill(struct rmm_mm *mm, struct rmm_oom_control *oc,
			 struct rmm_tasks_acc *acc, struct rmm_oom_set *s, int i)
{
	struct rmm_oom_task *t = &s->t[i];
	struct task_struct *p = s->task[i];
	struct rmm_oom_victim *v;
	char buf[256];
	u64 before = 0, after = 0;
	unsigned long anon;

	/* without memory for the record the kill still happens */
	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (v) {
		v->pid = get_pid(task_tgid(p));
		list_add_tail(&v->node, &rmm_oom_victims);
	}
	kill_pid(task_tgid(p), SIGKILL, 1);
	rmm_count_vm_events(mm, RMM_OOM_KILL, 1);
	rmm_oom_format_kill(buf, sizeof(buf), oc, t);
	pr_err("%s", buf);

	if (s->mm[i])
		rmm_mmap_reap(s->mm[i], &before, &after);
	if (v)
		v->reaped = true;
	/*
	 * its anon-rss with the part of its mappings as it is now (the
	 * reaper's work and the exit's so far); ioctl blocks as counted
	 */
	anon = t->rss_anon - min_t(u64, t->rss_anon,
				   s->mm[i] ? rmm_tasks_mm_anon(acc, s->mm[i]) : 0) +
	       after;
	pr_info("oom_reaper: reaped process %d (%s), now anon-rss:%lukB, file-rss:%lukB, shmem-rss:%lukB\n",
		t->pid, t->comm, anon << (PAGE_SHIFT - 10),
		t->rss_file << (PAGE_SHIFT - 10),
		t->rss_shmem << (PAGE_SHIFT - 10));
}

/* ops->out_of_memory: process context, may sleep */
bool rmm_glue_out_of_memory(struct rmm_mm *mm, unsigned int order,
			    rmm_gfp_t gfp)
{
	struct rmm_oom_control oc;
	struct rmm_oom_set s = { };
	struct rmm_tasks_acc *acc;
	char buf[64];
	bool ret = false;

	/* task_will_free_mem(current): it exits and frees on its own */
	if (fatal_signal_pending(current) || (current->flags & PF_EXITING))
		return false;
	if (!mutex_trylock(&rmm_oom_lock)) {
		/*
		 * Someone is killing: retry once it is done.  Bounded: it may
		 * be waiting for a view lock this task holds, which only a
		 * failed allocation here gives back.
		 */
		return wait_event_timeout(rmm_oom_wait,
					  !mutex_is_locked(&rmm_oom_lock),
					  HZ) > 0;
	}
	rmm_oom_prune_victims();
	rmm_oom_control_init(mm, &oc);
	acc = rmm_tasks_gather();
	if (!acc || rmm_oom_collect(acc, &s))
		goto out;
	rmm_oom_select(&oc, s.t, s.nr);
	if (oc.chosen == RMM_OOM_ABORT) {
		ret = true;		/* a victim is still exiting */
	} else if (oc.chosen == RMM_OOM_NONE) {
		rmm_oom_header(&oc, &s, order, gfp);
		rmm_oom_format_none(buf, sizeof(buf));
		pr_warn("%s", buf);
	} else {
		rmm_oom_header(&oc, &s, order, gfp);
		rmm_oom_kill(mm, &oc, acc, &s, oc.chosen);
		ret = true;
	}
out:
	rmm_oom_set_free(&s);
	rmm_tasks_put(acc);
	mutex_unlock(&rmm_oom_lock);
	wake_up_all(&rmm_oom_wait);
	return ret;
}

/* module exit: forget the victims */
void rmm_oom_exit(void)
{
	mutex_lock(&rmm_oom_lock);
	while (!list_empty(&rmm_oom_victims)) {
		struct rmm_oom_victim *v = list_first_entry(&rmm_oom_victims,
							    struct rmm_oom_victim,
							    node);

		list_del(&v->node);
		put_pid(v->pid);
		kfree(v);
	}
	mutex_unlock(&rmm_oom_lock);
}
