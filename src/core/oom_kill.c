// SPDX-License-Identifier: GPL-2.0
/*
 * oom_kill.c - regionmm's OOM policy after the kernel's mm/oom_kill.c
 * (Debian 6.12.117; 6.1's differs here only in dump_tasks()'s columns):
 *
 *   rmm_oom_badness()   oom_badness(): LONG_MIN for oom_score_adj -1000,
 *                       MMF_OOM_SKIP, in_vfork, an unkillable task or one
 *                       without an mm; else rss + swapents + page tables
 *                       (regionmm allocates none: 0) + oom_score_adj *
 *                       (totalpages / 1000), divided first as the kernel
 *                       does.  Neither kernel clamps the result (the old
 *                       "points > 0 ? points : 1" went in 5.9); a
 *                       non-LONG_MIN score, even negative, is a candidate.
 *   rmm_oom_select()    out_of_memory()'s oom_kill_allocating_task short
 *                       cut, then select_bad_process()/oom_evaluate_task()
 *                       in the host's task order: chosen_points starts at
 *                       LONG_MIN; LONG_MIN or points < chosen_points is
 *                       passed over, so a later task with equal points
 *                       replaces the earlier one; oom_task_origin() gets
 *                       LONG_MAX; a task already an OOM victim aborts the
 *                       scan unless its mm is MMF_OOM_SKIP (skipped).
 *   rmm_oom_format_*()  the report lines in the kernel's printk formats.
 *
 * totalpages is regionmm's managed pages + the pages of its swap devices
 * that are on (rmm_swap_totals()), as constrained_alloc()'s
 * totalram_pages() + total_swap_pages;
 * no cpuset/mempolicy/memcg constraint applies to regionmm.
 *
 * Invariants: pure functions of their arguments (the instance is read only
 * by rmm_oom_control_init()); no allocation.
 * Locking: none taken, except that rmm_oom_control_init() takes
 * swap->lock (a spinlock, through rmm_swap_totals()) and reads the
 * tunables with READ_ONCE (written under mm->tunables_lock): call it
 * where a spinlock may be taken but not under swap->lock or the locks
 * below it; the other functions may be called under any lock, RCU or
 * task_lock.
 */
#include "rmm_port.h"
#include "mmzone.h"
#include "vmstat.h"
#include "oom_kill.h"
#include "swapfile.h"

#define K(x)	((x) << (RMM_PAGE_SHIFT - 10))

void rmm_oom_control_init(struct rmm_mm *mm, struct rmm_oom_control *oc)
{
	unsigned long swap_total, swap_free;

	memset(oc, 0, sizeof(*oc));
	/* totalram_pages() + total_swap_pages */
	rmm_swap_totals(mm, &swap_total, &swap_free);
	oc->totalpages = rmm_mm_total_managed(mm) + swap_total;
	oc->kill_allocating_task =
		READ_ONCE(mm->tunables.oom_kill_allocating_task);
	oc->dump_tasks = READ_ONCE(mm->tunables.oom_dump_tasks);
	oc->kver = mm->layout.kver;
	oc->chosen = RMM_OOM_NONE;
	oc->chosen_points = LONG_MIN;
}
RMM_EXPORT(rmm_oom_control_init);

long rmm_oom_badness(const struct rmm_oom_task *t, unsigned long totalpages)
{
	long points, adj;

	/* oom_unkillable_task(), then find_lock_task_mm() */
	if (t->flags & (RMM_OOM_UNKILLABLE | RMM_OOM_NO_MM))
		return LONG_MIN;
	adj = (long)t->oom_score_adj;
	if (adj == RMM_OOM_SCORE_ADJ_MIN ||
	    (t->flags & (RMM_OOM_MM_SKIP | RMM_OOM_VFORK)))
		return LONG_MIN;

	/* get_mm_rss() + MM_SWAPENTS + mm_pgtables_bytes() / PAGE_SIZE (0) */
	points = rmm_oom_task_rss(t) + t->swapents;

	/* Normalize to oom_score_adj units */
	adj *= totalpages / 1000;
	points += adj;

	return points;
}
RMM_EXPORT(rmm_oom_badness);

/* out_of_memory(): current->mm && !oom_unkillable_task() && adj != MIN */
static bool allocating_task_eligible(const struct rmm_oom_task *t)
{
	return !(t->flags & (RMM_OOM_NO_MM | RMM_OOM_UNKILLABLE)) &&
	       t->oom_score_adj != RMM_OOM_SCORE_ADJ_MIN;
}

int rmm_oom_select(struct rmm_oom_control *oc, const struct rmm_oom_task *tasks,
		   int nr)
{
	int i;

	oc->chosen = RMM_OOM_NONE;
	oc->chosen_points = LONG_MIN;
	oc->allocating = false;

	if (oc->kill_allocating_task) {
		for (i = 0; i < nr; i++) {
			if (!(tasks[i].flags & RMM_OOM_ALLOCATING))
				continue;
			if (!allocating_task_eligible(&tasks[i]))
				break;
			/* the kernel computes no points for it */
			oc->chosen = i;
			oc->allocating = true;
			return i;
		}
	}

	/* select_bad_process() */
	for (i = 0; i < nr; i++) {
		const struct rmm_oom_task *t = &tasks[i];
		long points;

		/* oom_evaluate_task() */
		if (t->flags & RMM_OOM_UNKILLABLE)
			continue;
		if (t->flags & RMM_OOM_VICTIM) {
			if (t->flags & RMM_OOM_MM_SKIP)
				continue;
			oc->chosen = RMM_OOM_ABORT;
			return oc->chosen;
		}
		if (t->flags & RMM_OOM_ORIGIN) {
			points = LONG_MAX;
		} else {
			points = rmm_oom_badness(t, oc->totalpages);
			if (points == LONG_MIN || points < oc->chosen_points)
				continue;
		}
		oc->chosen = i;
		oc->chosen_points = points;
	}
	return oc->chosen;
}
RMM_EXPORT(rmm_oom_select);

int rmm_oom_format_kill(char *buf, size_t size,
			const struct rmm_oom_control *oc,
			const struct rmm_oom_task *t)
{
	const char *message = oc->allocating ?
		"Out of memory (oom_kill_allocating_task)" : "Out of memory";

	/* pgtables: regionmm allocates no page tables: 0 kB */
	return snprintf(buf, size,
			"%s: Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB, shmem-rss:%lukB, UID:%u pgtables:%lukB oom_score_adj:%hd\n",
			message, t->pid, t->comm, K(t->total_vm),
			K(t->rss_anon), K(t->rss_file), K(t->rss_shmem),
			t->uid, 0UL, t->oom_score_adj);
}
RMM_EXPORT(rmm_oom_format_kill);

int rmm_oom_format_none(char *buf, size_t size)
{
	return snprintf(buf, size,
			"Out of memory and no killable processes...\n");
}
RMM_EXPORT(rmm_oom_format_none);

int rmm_oom_format_dump_header(char *buf, size_t size,
			       const struct rmm_oom_control *oc, int i)
{
	if (i == 0)
		return snprintf(buf, size,
				"Tasks state (memory values in pages):\n");
	if (oc->kver >= RMM_KVER(6, 12))
		return snprintf(buf, size,
				"[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name\n");
	return snprintf(buf, size,
			"[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n");
}
RMM_EXPORT(rmm_oom_format_dump_header);

int rmm_oom_format_dump_task(char *buf, size_t size,
			     const struct rmm_oom_control *oc,
			     const struct rmm_oom_task *t)
{
	/* dump_task(): oom_unkillable_task(), then find_lock_task_mm() */
	if (t->flags & (RMM_OOM_UNKILLABLE | RMM_OOM_NO_MM)) {
		if (size)
			buf[0] = '\0';
		return 0;
	}
	if (oc->kver >= RMM_KVER(6, 12))
		return snprintf(buf, size,
				"[%7d] %5d %5d %8lu %8lu %8lu %8lu %9lu %8ld %8lu         %5hd %s\n",
				t->pid, (int)t->uid, t->tgid, t->total_vm,
				rmm_oom_task_rss(t), t->rss_anon, t->rss_file,
				t->rss_shmem, 0L, t->swapents,
				t->oom_score_adj, t->comm);
	return snprintf(buf, size,
			"[%7d] %5d %5d %8lu %8lu %8ld %8lu         %5hd %s\n",
			t->pid, (int)t->uid, t->tgid, t->total_vm,
			rmm_oom_task_rss(t), 0L, t->swapents,
			t->oom_score_adj, t->comm);
}
RMM_EXPORT(rmm_oom_format_dump_task);
