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
 *   2. The rest runs in a worker (ordered workqueue rmm_oom, one request
 *      at a time under rmm_oom_lock, the kernel's oom_lock): the caller
 *      may hold its own view lock (a fault), under which neither the
 *      object list nor other views may be locked.  It waits at most
 *      RMM_OOM_WAIT (killable).  A request made before another one's kill
 *      finished retries the allocation (true) instead of killing again.
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
 * Locking: rmm_oom_lock (mutex, taken only by the worker, which holds
 * nothing else: the outermost of the glue's locks) protects
 * rmm_oom_victims and rmm_oom_seq; then the gathering's rmm_mobjs_lock,
 * object and view locks (never the view locks the allocating task
 * holds: rmm_vma.lock_owner); RCU for the process walk.
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
#include <linux/workqueue.h>
#include <linux/completion.h>
#include <linux/refcount.h>
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

/* how long an allocation waits for the OOM killer's worker */
#define RMM_OOM_WAIT	(2 * HZ)

static DEFINE_MUTEX(rmm_oom_lock);
static LIST_HEAD(rmm_oom_victims);
static unsigned long rmm_oom_seq;	/* kills done; written under the lock */
static struct workqueue_struct *rmm_oom_wq;

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

struct rmm_oom_req;
static void rmm_oom_req_show(struct rmm_oom_req *req);

/* dump_header(): the first line and dump_tasks() */
static void rmm_oom_header(struct rmm_oom_control *oc, struct rmm_oom_set *s,
			   struct rmm_oom_req *req)
{
	char buf[256];
	int i;

	rmm_oom_req_show(req);
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
		rmm_mmap_reap(s->mm[i], rmm_tasks_task(acc), &before, &after);
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

/*
 * One OOM request: made by the allocating task, served by the worker; the
 * last of the two to let go frees it (the requester may stop waiting).
 */
struct rmm_oom_req {
	struct work_struct work;
	struct completion done;
	refcount_t ref;
	struct rmm_mm *mm;
	struct task_struct *task;	/* the allocating task, referenced */
	unsigned int order;
	rmm_gfp_t gfp;
	unsigned long seq;		/* rmm_oom_seq when asked */
	bool ret;
};

static void rmm_oom_req_show(struct rmm_oom_req *req)
{
	pr_warn("%s invoked oom-killer: gfp_mask=%#x, order=%u, oom_score_adj=%d\n",
		req->task->comm, (unsigned int)req->gfp, req->order,
		req->task->signal->oom_score_adj);
}

static void rmm_oom_req_put(struct rmm_oom_req *req)
{
	if (!refcount_dec_and_test(&req->ref))
		return;
	put_task_struct(req->task);
	kfree(req);
}

/* out_of_memory() proper, in the worker, for req->task */
static bool rmm_oom_serve(struct rmm_oom_req *req)
{
	struct rmm_oom_control oc;
	struct rmm_oom_set s = { };
	struct rmm_tasks_acc *acc;
	char buf[64];
	bool ret = false;

	lockdep_assert_held(&rmm_oom_lock);
	/*
	 * A kill finished since the request was made: retry the allocation
	 * first (__alloc_pages_may_oom()'s last attempt under oom_lock that
	 * "catches a parallel oom killing")
	 */
	if (READ_ONCE(rmm_oom_seq) != req->seq)
		return true;
	/* task_will_free_mem(): it exits and frees on its own */
	if (fatal_signal_pending(req->task) || (req->task->flags & PF_EXITING))
		return false;
	rmm_oom_prune_victims();
	rmm_oom_control_init(req->mm, &oc);
	acc = rmm_tasks_gather(req->task);
	if (!acc || rmm_oom_collect(acc, &s))
		goto out;
	rmm_oom_select(&oc, s.t, s.nr);
	if (oc.chosen == RMM_OOM_ABORT) {
		ret = true;		/* a victim is still exiting */
	} else if (oc.chosen == RMM_OOM_NONE) {
		rmm_oom_header(&oc, &s, req);
		rmm_oom_format_none(buf, sizeof(buf));
		pr_warn("%s", buf);
	} else {
		rmm_oom_header(&oc, &s, req);
		rmm_oom_kill(req->mm, &oc, acc, &s, oc.chosen);
		WRITE_ONCE(rmm_oom_seq, rmm_oom_seq + 1);
		ret = true;
	}
out:
	rmm_oom_set_free(&s);
	rmm_tasks_put(acc);
	return ret;
}

static void rmm_oom_work(struct work_struct *work)
{
	struct rmm_oom_req *req = container_of(work, struct rmm_oom_req, work);

	mutex_lock(&rmm_oom_lock);
	req->ret = rmm_oom_serve(req);
	mutex_unlock(&rmm_oom_lock);
	complete(&req->done);
	rmm_oom_req_put(req);
}

/*
 * ops->out_of_memory: process context, may sleep, maybe under the caller's
 * own memobj view lock (a fault).  The work is done by rmm_oom_wq's worker,
 * which holds no view lock when it takes rmm_mobjs_lock and the views'
 * locks (the order of Documentation/mmap.rst), and never takes the
 * caller's (rmm_vma.lock_owner).  The wait is bounded: the worker may
 * still need a lock someone took before waiting for the caller's view
 * lock (a reader of /proc/regionmm/tasks); then the allocation fails, the
 * caller lets go, and the worker finishes its choice.
 */
bool rmm_glue_out_of_memory(struct rmm_mm *mm, unsigned int order,
			    rmm_gfp_t gfp)
{
	struct rmm_oom_req *req;
	bool ret = false;
	long left;

	/* task_will_free_mem(current): it exits and frees on its own */
	if (fatal_signal_pending(current) || (current->flags & PF_EXITING))
		return false;
	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return false;
	INIT_WORK(&req->work, rmm_oom_work);
	init_completion(&req->done);
	refcount_set(&req->ref, 2);
	req->mm = mm;
	req->task = get_task_struct(current);
	req->order = order;
	req->gfp = gfp;
	req->seq = READ_ONCE(rmm_oom_seq);
	queue_work(rmm_oom_wq, &req->work);
	left = wait_for_completion_killable_timeout(&req->done,
						    RMM_OOM_WAIT);
	if (left > 0)
		ret = req->ret;
	else if (!left)
		pr_warn_ratelimited("oom: %s (pid %d) gave up waiting for the OOM killer\n",
				    current->comm, task_pid_nr(current));
	rmm_oom_req_put(req);
	return ret;
}

int rmm_oom_init(void)
{
	rmm_oom_wq = alloc_ordered_workqueue("rmm_oom", WQ_MEM_RECLAIM);
	return rmm_oom_wq ? 0 : -ENOMEM;
}

/* module exit (no allocation runs any more): finish work, forget victims */
void rmm_oom_exit(void)
{
	if (!rmm_oom_wq)
		return;
	destroy_workqueue(rmm_oom_wq);
	rmm_oom_wq = NULL;
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
