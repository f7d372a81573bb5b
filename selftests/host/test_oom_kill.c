// SPDX-License-Identifier: GPL-2.0
/*
 * test_oom_kill.c - regionmm's OOM policy (src/core/oom_kill.c) against
 * numbers and strings worked out by hand from the kernel's mm/oom_kill.c
 * (Debian 6.12.117 and 6.1):
 *
 *   oom_badness(): rss + swapents + adj * (totalpages / 1000), the division
 *     first: totalpages 131072 -> 131 per adj unit, so adj 500 adds 65500
 *     and adj -500 takes 65500 away; totalpages 1999 -> 1 per unit (1000 *
 *     1999 / 1000 would be 1999); LONG_MIN for adj -1000, MMF_OOM_SKIP,
 *     in_vfork, init/kthreads, no mm; no clamp to 1 (gone since 5.9).
 *   select_bad_process(): highest points; "points < chosen_points" is
 *     passed over, so a later equal task wins; chosen_points starts at
 *     LONG_MIN, so a negative score is still chosen; an OOM victim not yet
 *     MMF_OOM_SKIP aborts the scan wherever it is; oom_task_origin() gets
 *     LONG_MAX; oom_kill_allocating_task picks current when it has an mm,
 *     is killable and its adj is not -1000 (MMF_OOM_SKIP is not checked).
 *   the report: __oom_kill_process()'s pr_err format in kB (pages << 2),
 *     dump_tasks()'s header and pr_info line of 6.12 and of 6.1.
 */
#include "rmm_test.h"
#include "wmark.h"
#include "vmstat.h"
#include "oom_kill.h"
#include "swapfile.h"

static struct rmm_oom_task task(int pid, unsigned long rss, unsigned long swap,
				short adj, unsigned int flags)
{
	struct rmm_oom_task t = {
		.cookie = 1000 + pid, .pid = pid, .tgid = pid, .uid = 0,
		.oom_score_adj = adj, .flags = flags,
		.total_vm = rss * 2, .rss_anon = rss, .swapents = swap,
	};

	snprintf(t.comm, sizeof(t.comm), "t%d", pid);
	return t;
}

static void test_badness(void)
{
	struct rmm_oom_task t = task(1, 0, 24, 500, 0);

	t.rss_anon = 600;
	t.rss_file = 300;
	t.rss_shmem = 100;
	/* 1000 + 24 + 500 * (131072 / 1000 = 131) = 1024 + 65500 */
	is_long(rmm_oom_badness(&t, 131072), 66524,
		"rss 1000 + swap 24, adj 500, 131072 pages: 66524");
	t.oom_score_adj = 0;
	is_long(rmm_oom_badness(&t, 131072), 1024, "adj 0: rss + swap = 1024");
	t.oom_score_adj = -500;
	is_long(rmm_oom_badness(&t, 131072), 1024 - 65500,
		"adj -500: 1024 - 65500 = -64476, not clamped");
	t.oom_score_adj = 1000;
	is_long(rmm_oom_badness(&t, 1999), 1024 + 1000,
		"totalpages 1999: divided first, adj 1000 adds 1000 (not 1999)");
	t.oom_score_adj = 999;
	is_long(rmm_oom_badness(&t, 999), 1024,
		"totalpages 999: 999 / 1000 = 0, adj adds nothing");
	t.oom_score_adj = -1000;
	is_long(rmm_oom_badness(&t, 131072), LONG_MIN, "adj -1000: LONG_MIN");
	t.oom_score_adj = -999;
	is_long(rmm_oom_badness(&t, 131072), 1024 - 999 * 131,
		"adj -999: 1024 - 130869 = -129845");
	t.oom_score_adj = 0;
	t.flags = RMM_OOM_MM_SKIP;
	is_long(rmm_oom_badness(&t, 131072), LONG_MIN, "MMF_OOM_SKIP: LONG_MIN");
	t.flags = RMM_OOM_VFORK;
	is_long(rmm_oom_badness(&t, 131072), LONG_MIN, "in vfork: LONG_MIN");
	t.flags = RMM_OOM_UNKILLABLE;
	is_long(rmm_oom_badness(&t, 131072), LONG_MIN, "init/kthread: LONG_MIN");
	t.flags = RMM_OOM_NO_MM;
	is_long(rmm_oom_badness(&t, 131072), LONG_MIN, "no mm: LONG_MIN");
	t.flags = RMM_OOM_ALLOCATING | RMM_OOM_VICTIM | RMM_OOM_ORIGIN;
	is_long(rmm_oom_badness(&t, 131072), 1024,
		"victim/origin/allocating do not change oom_badness()");
	t = task(2, 0, 0, 0, 0);
	is_long(rmm_oom_badness(&t, 131072), 0, "nothing held: 0, not 1");
}

static struct rmm_oom_control ctl(int kill_allocating)
{
	struct rmm_oom_control oc = {
		.totalpages = 131072, .kill_allocating_task = kill_allocating,
		.dump_tasks = 1, .kver = RMM_KVER(6, 12),
	};

	return oc;
}

static void test_select(void)
{
	struct rmm_oom_control oc = ctl(0);
	struct rmm_oom_task ts[6];

	ts[0] = task(10, 100, 0, 0, 0);
	ts[1] = task(11, 300, 0, 0, 0);
	ts[2] = task(12, 200, 100, 0, 0);	/* 300 too, later */
	ts[3] = task(13, 250, 0, 0, 0);
	is_long(rmm_oom_select(&oc, ts, 4), 2,
		"ties: the later of two 300-point tasks is chosen");
	is_long(oc.chosen_points, 300, "  chosen_points 300");
	ok(!oc.allocating, "  not by oom_kill_allocating_task");

	ts[0] = task(10, 50000, 0, -1000, 0);	/* exempt however big */
	ts[1] = task(11, 100, 0, 500, 0);	/* 100 + 65500 */
	ts[2] = task(12, 60000, 0, 0, 0);
	is_long(rmm_oom_select(&oc, ts, 3), 1,
		"adj 500 beats rss 60000 (65600 points); adj -1000 never");
	is_long(oc.chosen_points, 65600, "  chosen_points 65600");

	ts[0] = task(10, 1000, 0, -500, 0);	/* 1000 - 65500 = -64500 */
	ts[1] = task(11, 9000, 0, -1000, 0);
	is_long(rmm_oom_select(&oc, ts, 2), 0,
		"a negative score is still a victim (chosen_points from LONG_MIN)");
	is_long(oc.chosen_points, -64500, "  chosen_points -64500");

	ts[0] = task(10, 1000, 0, -1000, 0);
	ts[1] = task(11, 1000, 0, 0, RMM_OOM_MM_SKIP);
	ts[2] = task(12, 1000, 0, 0, RMM_OOM_VFORK);
	ts[3] = task(1, 1000, 0, 0, RMM_OOM_UNKILLABLE);
	ts[4] = task(14, 1000, 0, 0, RMM_OOM_NO_MM);
	is_long(rmm_oom_select(&oc, ts, 5), RMM_OOM_NONE,
		"nothing eligible: no victim");
	is_long(rmm_oom_select(&oc, ts, 0), RMM_OOM_NONE, "no tasks: no victim");

	ts[0] = task(10, 9000, 0, 0, 0);
	ts[1] = task(11, 10, 0, 0, RMM_OOM_VICTIM);
	ts[2] = task(12, 20000, 0, 0, 0);
	is_long(rmm_oom_select(&oc, ts, 3), RMM_OOM_ABORT,
		"a victim still exiting aborts the scan");
	ts[1] = task(11, 10, 0, 0, 0);
	ts[2] = task(12, 20000, 0, 0, RMM_OOM_VICTIM);
	is_long(rmm_oom_select(&oc, ts, 3), RMM_OOM_ABORT,
		"  also after a candidate was found");
	ts[2] = task(12, 20000, 0, -1000, RMM_OOM_VICTIM);
	is_long(rmm_oom_select(&oc, ts, 3), RMM_OOM_ABORT,
		"  also with adj -1000 (tested before the badness)");
	ts[2] = task(12, 20000, 0, 0, RMM_OOM_VICTIM | RMM_OOM_MM_SKIP);
	is_long(rmm_oom_select(&oc, ts, 3), 0,
		"a reaped victim (MMF_OOM_SKIP) is skipped, the scan goes on");
	ts[2] = task(12, 20000, 0, 0, RMM_OOM_VICTIM | RMM_OOM_UNKILLABLE);
	is_long(rmm_oom_select(&oc, ts, 3), 0,
		"an unkillable task is passed over before the victim test");

	ts[0] = task(10, 9000, 0, 0, 0);
	ts[1] = task(11, 10, 0, -1000, RMM_OOM_ORIGIN);
	ts[2] = task(12, 5000, 0, 0, 0);
	is_long(rmm_oom_select(&oc, ts, 3), 1,
		"oom_task_origin: LONG_MAX, chosen even with adj -1000");
	is_long(oc.chosen_points, LONG_MAX, "  chosen_points LONG_MAX");
}

static void test_allocating(void)
{
	struct rmm_oom_control oc = ctl(1);
	struct rmm_oom_task ts[3];

	ts[0] = task(10, 9000, 0, 0, 0);
	ts[1] = task(11, 10, 0, 0, RMM_OOM_ALLOCATING);
	ts[2] = task(12, 5000, 0, 0, 0);
	is_long(rmm_oom_select(&oc, ts, 3), 1,
		"oom_kill_allocating_task: the allocating task, not the biggest");
	ok(oc.allocating, "  marked as chosen by oom_kill_allocating_task");
	oc.kill_allocating_task = 7;
	is_long(rmm_oom_select(&oc, ts, 3), 1, "  any non-zero value is on");
	ts[1].flags |= RMM_OOM_MM_SKIP | RMM_OOM_VFORK;
	is_long(rmm_oom_select(&oc, ts, 3), 1,
		"  MMF_OOM_SKIP/vfork are not tested on that path (kernel)");
	ts[1].oom_score_adj = -1000;
	is_long(rmm_oom_select(&oc, ts, 3), 0,
		"  allocating task with adj -1000: select_bad_process() instead");
	ok(!oc.allocating, "  and not marked");
	ts[1] = task(11, 10, 0, 0, RMM_OOM_ALLOCATING | RMM_OOM_NO_MM);
	is_long(rmm_oom_select(&oc, ts, 3), 0,
		"  allocating task without mm: select_bad_process()");
	ts[1] = task(11, 10, 0, 0, RMM_OOM_ALLOCATING);
	oc.kill_allocating_task = 0;
	is_long(rmm_oom_select(&oc, ts, 3), 0, "tunable 0: the biggest");
}

static void is_str(const char *got, const char *want, const char *what)
{
	if (!ok(!strcmp(got, want), "%s", what)) {
		diag("got      '%s'", got);
		diag("expected '%s'", want);
	}
}

static void test_report(void)
{
	struct rmm_oom_control oc = ctl(0);
	struct rmm_oom_task t = task(4242, 0, 24, 500, 0);
	char buf[256];
	int n;

	t.tgid = 4240;
	t.uid = 1000;
	t.total_vm = 2048;
	t.rss_anon = 600;
	t.rss_file = 300;
	t.rss_shmem = 100;
	snprintf(t.comm, sizeof(t.comm), "hog");

	n = rmm_oom_format_kill(buf, sizeof(buf), &oc, &t);
	is_str(buf, "Out of memory: Killed process 4242 (hog) total-vm:8192kB, anon-rss:2400kB, file-rss:1200kB, shmem-rss:400kB, UID:1000 pgtables:0kB oom_score_adj:500\n",
	       "kill line in __oom_kill_process()'s shape, kB");
	is_long(n, strlen(buf), "  returns its length");
	oc.allocating = true;
	t.oom_score_adj = -17;
	rmm_oom_format_kill(buf, sizeof(buf), &oc, &t);
	is_str(buf, "Out of memory (oom_kill_allocating_task): Killed process 4242 (hog) total-vm:8192kB, anon-rss:2400kB, file-rss:1200kB, shmem-rss:400kB, UID:1000 pgtables:0kB oom_score_adj:-17\n",
	       "kill line of oom_kill_allocating_task");
	t.oom_score_adj = 500;

	rmm_oom_format_none(buf, sizeof(buf));
	is_str(buf, "Out of memory and no killable processes...\n",
	       "no victim line");

	rmm_oom_format_dump_header(buf, sizeof(buf), &oc, 0);
	is_str(buf, "Tasks state (memory values in pages):\n", "dump_tasks title");
	rmm_oom_format_dump_header(buf, sizeof(buf), &oc, 1);
	is_str(buf, "[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name\n",
	       "dump_tasks header, 6.12");
	rmm_oom_format_dump_task(buf, sizeof(buf), &oc, &t);
	is_str(buf, "[   4242]  1000  4240     2048     1000      600      300       100        0       24           500 hog\n",
	       "dump_task line, 6.12");

	oc.kver = RMM_KVER(6, 1);
	rmm_oom_format_dump_header(buf, sizeof(buf), &oc, 1);
	is_str(buf, "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n",
	       "dump_tasks header, 6.1");
	t.oom_score_adj = -1000;
	rmm_oom_format_dump_task(buf, sizeof(buf), &oc, &t);
	is_str(buf, "[   4242]  1000  4240     2048     1000        0       24         -1000 hog\n",
	       "dump_task line, 6.1 (adj -1000 tasks are listed)");

	t.flags = RMM_OOM_UNKILLABLE;
	snprintf(buf, sizeof(buf), "x");
	is_long(rmm_oom_format_dump_task(buf, sizeof(buf), &oc, &t), 0,
		"dump_task skips an unkillable task");
	is_str(buf, "", "  and writes an empty string");
	t.flags = RMM_OOM_NO_MM;
	is_long(rmm_oom_format_dump_task(buf, sizeof(buf), &oc, &t), 0,
		"dump_task skips a task without mm");
}

static void test_tunables(void)
{
	struct rmm_oom_control oc;
	struct rmm_mm mm;
	long v[1];

	/* 512 MiB node: 131072 present, 131072 / 256 = 512 pages of memmap */
	is_long(rmm_test_mm_simple(&mm, 1, 131072, 0x100000), 0, "init 512 MiB");
	is_long(rmm_get_tunable(&mm, RMM_TUNE_OOM_DUMP_TASKS, v, 1), 1,
		"oom_dump_tasks reads");
	is_long(v[0], 1, "  default 1");
	rmm_get_tunable(&mm, RMM_TUNE_OOM_KILL_ALLOCATING_TASK, v, 1);
	is_long(v[0], 0, "oom_kill_allocating_task default 0");
	rmm_oom_control_init(&mm, &oc);
	is_long(oc.totalpages, rmm_mm_total_managed(&mm),
		"totalpages = managed pages");
	is_long(oc.totalpages, 131072 - 512, "  = 130560");
	/* + total_swap_pages: a device of 1001 pages has 1000 after its header */
	is_long(rmm_swap_init(&mm), 0, "swap state");
	rmm_port_quiet = 1;
	ok(rmm_swapon(&mm, 1, "swap0", 1001, -1, 0) >= 0, "swapon 1001 pages");
	rmm_port_quiet = 0;
	rmm_oom_control_init(&mm, &oc);
	is_long(oc.totalpages, 130560 + 1000,
		"totalpages = managed + swap pages (constrained_alloc())");
	{
		u64 cookie;

		is_long(rmm_swapoff(&mm, 0, &cookie), 0, "swapoff");
	}
	rmm_swap_fini(&mm);
	ok(oc.dump_tasks == 1 && oc.kill_allocating_task == 0 &&
	   oc.kver == RMM_KVER(6, 12) && oc.chosen == RMM_OOM_NONE,
	   "control: tunables, kver and no choice yet");

	v[0] = 5;
	is_long(rmm_set_tunable(&mm, RMM_TUNE_OOM_KILL_ALLOCATING_TASK, v, 1), 0,
		"oom_kill_allocating_task 5 accepted (proc_dointvec)");
	v[0] = -3;
	is_long(rmm_set_tunable(&mm, RMM_TUNE_OOM_DUMP_TASKS, v, 1), 0,
		"oom_dump_tasks -3 accepted (proc_dointvec)");
	rmm_oom_control_init(&mm, &oc);
	ok(oc.kill_allocating_task == 5 && oc.dump_tasks == -3,
	   "  both read back as written");
	rmm_port_quiet = 1;
	v[0] = (long)INT_MAX + 1;
	is_long(rmm_set_tunable(&mm, RMM_TUNE_OOM_DUMP_TASKS, v, 1), -EINVAL,
		"oom_dump_tasks beyond int refused");
	v[0] = (long)INT_MIN - 1;
	is_long(rmm_set_tunable(&mm, RMM_TUNE_OOM_KILL_ALLOCATING_TASK, v, 1),
		-EINVAL, "oom_kill_allocating_task below int refused");
	rmm_port_quiet = 0;
	rmm_get_tunable(&mm, RMM_TUNE_OOM_DUMP_TASKS, v, 1);
	is_long(v[0], -3, "  nothing changed");
	is_long(rmm_validate_mm(&mm), 0, "validator clean");
	is_long(rmm_mm_fini(&mm), 0, "fini");
}

int main(void)
{
	test_badness();
	test_select();
	test_allocating();
	test_report();
	test_tunables();
	return done_testing();
}
