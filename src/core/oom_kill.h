/* SPDX-License-Identifier: GPL-2.0 */
/*
 * oom_kill.h - regionmm's OOM policy, as the kernel's mm/oom_kill.c
 * (Debian 6.12.117; 6.1 differs only in dump_tasks()'s columns): the
 * badness of a task over regionmm's pages (oom_badness()), the choice of
 * a victim (select_bad_process()/oom_evaluate_task() and the
 * oom_kill_allocating_task short cut of out_of_memory()), and the text of
 * the report (__oom_kill_process()'s "Killed process" line, dump_tasks()).
 *
 * The core knows no tasks: the host describes each candidate process in a
 * struct rmm_oom_task (what the kernel reads from task_struct and
 * mm_struct, counted in regionmm pages), in process-list order.  Killing,
 * reaping, reclaim and swap are not here.
 *
 * Invariants: rss == rss_anon + rss_file + rss_shmem is the host's to keep
 * (the core uses the three and their sum); the functions are pure (no
 * locks, no allocation), so the glue may call them under RCU/task_lock.
 */
#ifndef _RMM_OOM_KILL_H
#define _RMM_OOM_KILL_H

#include "rmm_port.h"

struct rmm_mm;

#define RMM_OOM_SCORE_ADJ_MIN	(-1000)		/* OOM_SCORE_ADJ_MIN */
#define RMM_OOM_SCORE_ADJ_MAX	1000		/* OOM_SCORE_ADJ_MAX */

/* struct rmm_oom_task.flags: what the kernel tests on the task */
#define RMM_OOM_UNKILLABLE	BIT(0)	/* oom_unkillable_task(): init, kthread */
#define RMM_OOM_NO_MM		BIT(1)	/* find_lock_task_mm() found no mm */
#define RMM_OOM_MM_SKIP		BIT(2)	/* MMF_OOM_SKIP: reaped/exempted mm */
#define RMM_OOM_VFORK		BIT(3)	/* in_vfork() */
#define RMM_OOM_VICTIM		BIT(4)	/* tsk_is_oom_victim(): killed, exiting */
#define RMM_OOM_ORIGIN		BIT(5)	/* oom_task_origin(): select first */
#define RMM_OOM_ALLOCATING	BIT(6)	/* the allocating task (current) */

#define RMM_OOM_COMM_LEN	16		/* TASK_COMM_LEN */

/*
 * One candidate process.  cookie is the host's (the glue's task pointer or
 * pid); the page counts are regionmm pages of the process; for a victim
 * (RMM_OOM_VICTIM), RMM_OOM_MM_SKIP is its signal->oom_mm's MMF_OOM_SKIP.
 */
struct rmm_oom_task {
	u64 cookie;
	int pid, tgid;			/* the thread find_lock_task_mm() found */
	unsigned int uid;		/* from_kuid(&init_user_ns, task_uid()) */
	short oom_score_adj;
	unsigned int flags;		/* RMM_OOM_* */
	unsigned long total_vm;		/* pages of regionmm mappings */
	unsigned long rss_anon, rss_file, rss_shmem;
	unsigned long swapents;
	char comm[RMM_OOM_COMM_LEN];
};

/* rmm_oom_control.chosen: a task index or one of these */
#define RMM_OOM_NONE		(-1)	/* oc->chosen == NULL */
#define RMM_OOM_ABORT		(-2)	/* oc->chosen == (void *)-1UL */

/* what select takes (struct oom_control's part) and gives */
struct rmm_oom_control {
	unsigned long totalpages;	/* managed regionmm pages + swap */
	int kill_allocating_task;	/* sysctl_oom_kill_allocating_task */
	int dump_tasks;			/* sysctl_oom_dump_tasks */
	unsigned int kver;		/* RMM_KVER: dump_tasks()'s columns */
	/* out */
	int chosen;			/* index in the tasks, or RMM_OOM_* */
	long chosen_points;
	bool allocating;		/* chosen by oom_kill_allocating_task */
};

static inline unsigned long rmm_oom_task_rss(const struct rmm_oom_task *t)
{
	return t->rss_anon + t->rss_file + t->rss_shmem;	/* get_mm_rss() */
}

/* the instance's totalpages, tunables and kernel version into @oc */
void rmm_oom_control_init(struct rmm_mm *mm, struct rmm_oom_control *oc);

/*
 * oom_badness(): LONG_MIN for a task never to be killed, else
 * rss + swapents (+ page tables: regionmm has none) + adj * (totalpages /
 * 1000).  Not clamped: it may be negative or 0, as the kernel's.
 */
long rmm_oom_badness(const struct rmm_oom_task *t, unsigned long totalpages);

/*
 * out_of_memory()'s choice: the allocating task when kill_allocating_task
 * is set and it is eligible, else select_bad_process() over @tasks (the
 * highest badness; a later equal one wins; a victim still exiting aborts
 * the scan).  Sets oc->chosen/chosen_points/allocating; returns oc->chosen.
 */
int rmm_oom_select(struct rmm_oom_control *oc, const struct rmm_oom_task *tasks,
		   int nr);

/*
 * Report lines, without the "regionmm: " prefix (the glue's pr_fmt) and
 * with the newline; each returns what snprintf() returns.
 *   kill:      "Out of memory: Killed process ..." (__oom_kill_process())
 *   none:      "Out of memory and no killable processes..."
 *   dump_tasks header line @i (0: "Tasks state ...", 1: the columns)
 *   dump_task: one task's line; 0 and nothing written for a task
 *              dump_task() skips (unkillable, no mm)
 */
int rmm_oom_format_kill(char *buf, size_t size,
			const struct rmm_oom_control *oc,
			const struct rmm_oom_task *t);
int rmm_oom_format_none(char *buf, size_t size);
int rmm_oom_format_dump_header(char *buf, size_t size,
			       const struct rmm_oom_control *oc, int i);
int rmm_oom_format_dump_task(char *buf, size_t size,
			     const struct rmm_oom_control *oc,
			     const struct rmm_oom_task *t);

#endif /* _RMM_OOM_KILL_H */
