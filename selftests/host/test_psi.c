// SPDX-License-Identifier: GPL-2.0
/*
 * test_psi.c - psi.c on a fake clock against values worked out by hand
 * from kernel/sched/psi.c and kernel/sched/loadavg.c (Debian 6.12.117 and
 * 6.1.192): the averages (EXP_10s/60s/300s, rounding up when rising,
 * missed periods, clamping), some/full per CPU and the non-idle
 * weighting, psi_show()'s text, every trigger refusal of both kernels,
 * and trigger firing and deferral on both aggregators.
 *
 * Arithmetic used below (HZ 250): PSI_FREQ = 2 * 250 + 1 = 501 jiffies,
 * psi_period P = 501 * 4 ms = 2004000000 ns; a jiffy is 4000000 ns.
 * calc_load(l, e, a) = (l * e + a * (2048 - e) [+ 2047 if a >= l]) / 2048.
 */
#include "rmm_test.h"
#include "psi.h"

#define T0	100000000000ULL		/* the clock starts at 100 s */
#define P	2004000000ULL		/* psi_period at HZ 250 */
#define MS	1000000ULL

static struct rmm_mm *new_mm(int ncpus, unsigned int kver, bool idle_mode)
{
	struct rmm_mm *mm = calloc(1, sizeof(*mm));
	struct rmm_psi_params p = { .hz = 250, .idle_nonidle = idle_mode };

	rmm_layout_default(&mm->layout, 1, ncpus);
	mm->layout.kver = kver;
	if (rmm_psi_init(mm, &p, T0)) {
		printf("Bail out! rmm_psi_init\n");
		exit(1);
	}
	return mm;
}

static void free_mm(struct rmm_mm *mm)
{
	rmm_psi_fini(mm);
	free(mm);
}

static unsigned int chg(struct rmm_mm *mm, int cpu, unsigned int clear,
			unsigned int set, u64 now)
{
	return rmm_psi_group_change(mm, cpu, clear, set, now,
				    RMM_PSI_WAKE_CLOCK);
}

static const char *show(struct rmm_mm *mm, u64 now)
{
	static char buf[RMM_PSI_SHOW_MAX];

	if (rmm_psi_show(mm, now, buf, sizeof(buf)) < 0)
		return "(error)";
	return buf;
}

#define RUN	(RMM_TSK_RUNNING | RMM_TSK_ONCPU)
#define STALL	RMM_TSK_MEMSTALL
/* a task reclaiming on its CPU: psi_memstall_enter() of a running task */
#define RECLAIM	(RMM_TSK_MEMSTALL | RMM_TSK_MEMSTALL_RUNNING)

static void test_arith(void)
{
	/* x^2 with rounding: 1677^2 + 1024 >> 11 = 1373; 2048*1373+1024>>11 */
	is_long(rmm_psi_fixed_power_int(1677, RMM_FSHIFT, 2), 1373,
		"fixed_power_int(EXP_10s, 2) = 1373");
	is_long(rmm_psi_fixed_power_int(1677, RMM_FSHIFT, 0), 2048,
		"fixed_power_int(x, 0) = FIXED_1");
	is_long(rmm_psi_fixed_power_int(1677, RMM_FSHIFT, 3), 1124,
		"fixed_power_int(EXP_10s, 3) = 1124");
	/* 102400 * 371 + 2047 = 37992447, / 2048 = 18550 (rising: rounds up) */
	is_long(rmm_psi_calc_load(0, RMM_EXP_10s, 50 * RMM_FIXED_1), 18550,
		"calc_load(0, EXP_10s, 50%%) = 18550");
	/* falling: 18550 * 1677 / 2048 = 15189.7 -> 15189, no rounding up */
	is_long(rmm_psi_calc_load(18550, RMM_EXP_10s, 0), 15189,
		"calc_load falling truncates");
}

/*
 * One CPU, a task running all the time, a second task asleep in a
 * memstall for the first half of every period: some = 50 %, full = 0
 * (NR_RUNNING 1 != NR_MEMSTALL_RUNNING 0).
 * avg10 after k periods: 18550, 33740, 46178, 56363, 64703.
 */
static void test_averages(void)
{
	static const unsigned long want10[] = { 18550, 33740, 46178, 56363,
						64703 };
	struct rmm_mm *mm = new_mm(1, RMM_KVER(6, 12), false);
	struct rmm_psi_group *g = mm->psi;
	unsigned long delay = 0;
	bool resched = false, all = true;
	u64 t;
	int k;

	is_long(chg(mm, 0, 0, RUN, T0), RMM_PSI_ARM_AVGS,
		"a change with wake_clock asks for the averaging work");
	for (k = 0; k < 5; k++) {
		t = T0 + k * P;
		chg(mm, 0, 0, STALL, t);
		chg(mm, 0, STALL, 0, t + P / 2);
		resched = rmm_psi_avgs_work(mm, t + P, -1, &delay);
		if (g->avg[RMM_PSI_MEM_SOME][0] != want10[k]) {
			all = false;
			diag("period %d avg10 %lu want %lu", k + 1,
			     g->avg[RMM_PSI_MEM_SOME][0], want10[k]);
		}
	}
	ok(all, "avg10 over 5 periods of 50 %%: 18550 33740 46178 56363 64703");
	/* avg60 and avg300 after 5: 15691, 3455 */
	is_long(g->avg[RMM_PSI_MEM_SOME][1], 15691, "avg60 after 5 periods");
	is_long(g->avg[RMM_PSI_MEM_SOME][2], 3455, "avg300 after 5 periods");
	is_long(g->avg[RMM_PSI_MEM_FULL][0], 0, "full stays 0");
	/* total: 5 * P / 2 ns = 5010000000 ns */
	is_long(g->total[RMM_PSI_AVGS][RMM_PSI_MEM_SOME], 5 * P / 2,
		"total some = 5 * P / 2");
	/* next update T0 + 6P: (6P - 5P) / 4 ms + 1 = 502 jiffies */
	ok(resched && delay == 502, "avgs work re-arms in 502 jiffies (%lu)",
	   delay);
	/* 64703 = 31.59, 15691 = 7.66, 3455 = 1.68; 5010000000 / 1000 */
	ok(!strcmp(show(mm, T0 + 5 * P),
		   "some avg10=31.59 avg60=7.66 avg300=1.68 total=5010000\n"
		   "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"),
	   "psi_show text after 5 periods");

	/*
	 * Idle gap: the runner stops at 5P; nothing until 9P, then a stall
	 * of P/8 and a reading at 9P + P/4.  missed = (9.25P - 6P) / P = 3,
	 * period = 9.25P - (5P + 3P) = 1.25P, pct = (P/8) * 100 / 1.25P = 10.
	 * avg10 = calc_load(calc_load(64703, 1124, 0), 1677, 20480) = 32787
	 * avg60 = ... 14402, avg300 = ... 3501; next update T0 + 10P.
	 */
	chg(mm, 0, RUN, 0, T0 + 5 * P);
	ok(!rmm_psi_avgs_work(mm, T0 + 5 * P + P / 2, -1, &delay),
	   "all idle: the averaging work stops");
	chg(mm, 0, 0, RUN, T0 + 9 * P);
	chg(mm, 0, 0, STALL, T0 + 9 * P);
	chg(mm, 0, STALL, 0, T0 + 9 * P + P / 8);
	rmm_psi_avgs_work(mm, T0 + 9 * P + P / 4, -1, &delay);
	ok(g->avg[RMM_PSI_MEM_SOME][0] == 32787 &&
	   g->avg[RMM_PSI_MEM_SOME][1] == 14402 &&
	   g->avg[RMM_PSI_MEM_SOME][2] == 3501,
	   "3 missed periods decayed, then 10 %%: 32787 14402 3501 (%lu %lu %lu)",
	   g->avg[RMM_PSI_MEM_SOME][0], g->avg[RMM_PSI_MEM_SOME][1],
	   g->avg[RMM_PSI_MEM_SOME][2]);
	is_long(g->avg_next_update, T0 + 10 * P,
		"next update stays on the P grid: T0 + 10P");
	free_mm(mm);
}

/*
 * The sample is clamped to the period, the excess carried: a stall of
 * 1.5P (0 .. 1.5P) recorded by a change at 1.5P, then the work reads a
 * clock of P (a CPU clock behind): sample 1.5P -> P (100 %), avg_total P;
 * at 2P the remaining 0.5P gives 50 %.  Unclamped: 150 %, then 0 %.
 * avg10: calc_load(0, 1677, 204800) = 37100; then
 * calc_load(37100, 1677, 102400) = (62216700 + 37990400 + 2047) / 2048
 * = 100209147 / 2048 = 48930.
 */
static void test_clamp(void)
{
	struct rmm_mm *mm = new_mm(1, RMM_KVER(6, 12), false);
	struct rmm_psi_group *g = mm->psi;
	unsigned long delay;

	chg(mm, 0, 0, RUN, T0);
	chg(mm, 0, 0, STALL, T0);
	chg(mm, 0, STALL, 0, T0 + P + P / 2);
	rmm_psi_avgs_work(mm, T0 + P, -1, &delay);
	is_long(g->avg_total[RMM_PSI_MEM_SOME], P,
		"sample clamped to the period");
	is_long(g->avg[RMM_PSI_MEM_SOME][0], 37100, "100 %% at most");
	rmm_psi_avgs_work(mm, T0 + 2 * P, -1, &delay);
	is_long(g->avg_total[RMM_PSI_MEM_SOME], P + P / 2,
		"the excess is carried into the next period");
	is_long(g->avg[RMM_PSI_MEM_SOME][0], 48930, "then 50 %%");
	free_mm(mm);
}

static u32 mask(struct rmm_mm *mm, int cpu)
{
	return mm->psi->pcpu[cpu].state_mask &
	       (BIT(RMM_PSI_MEM_SOME) | BIT(RMM_PSI_MEM_FULL));
}

#define SOME	BIT(RMM_PSI_MEM_SOME)
#define FULL	BIT(RMM_PSI_MEM_FULL)

static void test_states_1cpu(void)
{
	struct rmm_mm *mm = new_mm(1, RMM_KVER(6, 12), false);

	/* one task reclaiming: NR_RUNNING 1 == NR_MEMSTALL_RUNNING 1 */
	chg(mm, 0, 0, RUN, T0);
	chg(mm, 0, 0, RECLAIM, T0 + 1);
	is_long(mask(mm, 0), SOME | FULL, "a lone reclaimer: some and full");
	/* a second runnable task: productive work possible, some only */
	chg(mm, 0, 0, RMM_TSK_RUNNING, T0 + 2);
	is_long(mask(mm, 0), SOME, "a runnable task beside it: some only");
	/* ... unless the task on the CPU is the one in memstall */
	rmm_psi_group_change(mm, 0, 0, 0, T0 + 3, RMM_PSI_CURR_MEMSTALL);
	is_long(mask(mm, 0), SOME | FULL,
		"current task in memstall on the CPU: full");
	chg(mm, 0, RMM_TSK_RUNNING, 0, T0 + 4);
	chg(mm, 0, RECLAIM, 0, T0 + 5);
	is_long(mask(mm, 0), 0, "stall left: none");
	/* asleep in a memstall (swap-in wait), nothing else: full */
	chg(mm, 0, RUN, 0, T0 + 6);
	chg(mm, 0, 0, STALL, T0 + 7);
	ok(mask(mm, 0) == (SOME | FULL) &&
	   (mm->psi->pcpu[0].state_mask & BIT(RMM_PSI_NONIDLE)),
	   "a sleeping stalled task alone: full, and non-idle");

	/*
	 * Nesting: the glue counts a task's nested stalls and feeds one
	 * MEMSTALL per task; two tasks are two counts.
	 */
	chg(mm, 0, 0, STALL, T0 + 8);
	chg(mm, 0, STALL, 0, T0 + 9);
	is_long(mm->psi->pcpu[0].tasks[RMM_NR_MEMSTALL], 1,
		"two stalled tasks, one left: one count");
	is_long(mask(mm, 0), SOME | FULL, "still stalled");
	chg(mm, 0, STALL, 0, T0 + 10);
	ok(!mm->psi->psi_bug, "no underflow so far");
	chg(mm, 0, STALL, 0, T0 + 11);
	ok(mm->psi->psi_bug && !mm->psi->pcpu[0].tasks[RMM_NR_MEMSTALL] &&
	   mm->psi->bug_cpu == 0 && mm->psi->bug_t == RMM_NR_MEMSTALL &&
	   mm->psi->bug_clear == STALL,
	   "an unmatched leave is recorded and the count stays 0");
	ok(!mm->psi->psi_bug_reported, "not printed from the hot path");
	show(mm, T0 + 12);
	ok(mm->psi->psi_bug_reported, "printed once by the next read");
	free_mm(mm);
}

/*
 * Two CPUs, one period: CPU 0 has a lone reclaimer all period (some =
 * full = P); CPU 1 runs a task for the first P/2 only.  Weights in whole
 * jiffies: 501 and 250 (P/2 = 250.5 jiffies): some = P * 501 / 751 =
 * 1336889480 ns; pct = 66.  With CPU 1 busy all period: P / 2.  With CPU 1
 * busy 3.9 ms: weight 0, some = P.
 */
static void run_2cpu(struct rmm_mm *mm, u64 cpu1_busy, bool idle_mode)
{
	unsigned long delay;

	chg(mm, 0, 0, RUN | RECLAIM, T0);
	if (idle_mode) {
		/* the glue's idle clock: CPU 1 idle after cpu1_busy */
		rmm_psi_cpu_idle(mm, 0, 0);
		rmm_psi_cpu_idle(mm, 1, P - cpu1_busy);
	} else {
		chg(mm, 1, 0, RUN, T0);
		chg(mm, 1, RUN, 0, T0 + cpu1_busy);
	}
	rmm_psi_avgs_work(mm, T0 + P, -1, &delay);
}

static void test_weighting(void)
{
	unsigned long delay;
	struct rmm_mm *mm;

	mm = new_mm(2, RMM_KVER(6, 12), false);
	run_2cpu(mm, P / 2, false);
	ok(mm->psi->total[RMM_PSI_AVGS][RMM_PSI_MEM_SOME] == 1336889480 &&
	   mm->psi->total[RMM_PSI_AVGS][RMM_PSI_MEM_FULL] == 1336889480,
	   "2 CPUs, weights 501 and 250: some = full = P * 501 / 751");
	/* pct 66: (135168 * 371 + 2047) / 2048 = 24486 */
	is_long(mm->psi->avg[RMM_PSI_MEM_SOME][0], 24486, "pct 66 in avg10");
	/*
	 * 24486 = 11 + 1958/2048 -> 11.95 (95.6 truncated); avg60 =
	 * (135168 * 67 + 2047) / 2048 = 4422 -> 2.15; avg300 = (135168 * 14
	 * + 2047) / 2048 = 924 -> 0.45; total 1336889480 ns -> 1336889 us.
	 */
	ok(!strcmp(show(mm, T0 + P),
		   "some avg10=11.95 avg60=2.15 avg300=0.45 total=1336889\n"
		   "full avg10=11.95 avg60=2.15 avg300=0.45 total=1336889\n"),
	   "psi_show: fractions and total truncated, full line");
	free_mm(mm);

	mm = new_mm(2, RMM_KVER(6, 12), false);
	run_2cpu(mm, P, false);
	is_long(mm->psi->total[RMM_PSI_AVGS][RMM_PSI_MEM_SOME], P / 2,
		"2 CPUs both busy: some = P / 2");
	free_mm(mm);

	mm = new_mm(2, RMM_KVER(6, 12), false);
	run_2cpu(mm, 3900000, false);
	is_long(mm->psi->total[RMM_PSI_AVGS][RMM_PSI_MEM_SOME], P,
		"CPU 1 busy 3.9 ms weighs 0 jiffies: some = P");
	free_mm(mm);

	mm = new_mm(2, RMM_KVER(6, 12), true);
	run_2cpu(mm, P / 2, true);
	is_long(mm->psi->total[RMM_PSI_AVGS][RMM_PSI_MEM_SOME], 1336889480,
		"non-idle from the idle clock: the same 501/250 weighting");
	/*
	 * A lagging idle reading: at 2P CPU 1 still reports P/2 idle (so
	 * P + P/2 non-idle in total), at 3P it reports 3P - P/2 = 2.5P idle
	 * (non-idle P/2 in total, less than before).  P..2P: weights 501
	 * and 501, some += P / 2; 2P..3P: CPU 1 adds no non-idle time,
	 * weight 0, some += P.  Total 1336889480 + 1002000000 + 2004000000.
	 */
	rmm_psi_avgs_work(mm, T0 + 2 * P, -1, &delay);
	rmm_psi_cpu_idle(mm, 1, 2 * P + P / 2);
	rmm_psi_avgs_work(mm, T0 + 3 * P, -1, &delay);
	is_long(mm->psi->total[RMM_PSI_AVGS][RMM_PSI_MEM_SOME], 4342889480,
		"an idle reading going back never makes non-idle time negative");
	free_mm(mm);
}

static void test_init(void)
{
	struct rmm_mm mm = { 0 };
	struct rmm_psi_params p = { .hz = 300 };
	char small[8];

	rmm_layout_default(&mm.layout, 1, 2);
	is_long(rmm_psi_init(&mm, &p, T0), -EINVAL,
		"HZ 300 (jiffies_to_nsecs() inexact): EINVAL");
	p.hz = 1000;
	rmm_port_fail_nth = 2;
	is_long(rmm_psi_init(&mm, &p, T0), -ENOMEM,
		"the per-CPU array fails: ENOMEM, nothing kept");
	rmm_port_fail_nth = 0;
	ok(!mm.psi, "no group on failure");
	is_long(rmm_psi_init(&mm, &p, T0), 0, "HZ 1000");
	/* PSI_FREQ = 2001 jiffies of 1 ms */
	is_long(mm.psi->psi_period, 2001 * MS, "HZ 1000: period 2.001 s");
	rmm_psi_fini(&mm);
	ok(!mm.psi, "fini clears the slot");
	is_long(rmm_psi_show(&mm, T0, small, sizeof(small)), -EOPNOTSUPP,
		"no group: show refuses");
}

static int create(struct rmm_mm *mm, const char *s, size_t len, bool priv,
		  struct rmm_psi_trigger **tp)
{
	struct rmm_psi_trigger *t = NULL;
	bool need, stop;
	int ret;

	ret = rmm_psi_trigger_create(mm, s, len, priv, T0, NULL, NULL, &t,
				     &need);
	if (!ret && !tp)
		rmm_psi_trigger_destroy(mm, t, &stop);
	if (tp)
		*tp = t;
	return ret;
}

/* written as lmkd and systemd do: strlen + 1, the NUL included */
#define W(mm, s, priv)	create(mm, s, strlen(s) + 1, priv, NULL)

static void test_trigger_refusals(void)
{
	struct rmm_mm *m12 = new_mm(1, RMM_KVER(6, 12), false);
	struct rmm_mm *m61 = new_mm(1, RMM_KVER(6, 1), false);
	struct rmm_psi_trigger *t;
	/* "2000000" at bytes 26..32: byte 31 becomes NUL, window 20000 */
	const char *longw = "some 1000000              2000000";
	const char *longok = "some 1000                 2000000";
	struct rmm_mm *mms[2] = { m12, m61 };
	int i;

	is_long(create(m12, "some 1 2000000", 0, true, NULL), -EINVAL,
		"nbytes 0: EINVAL");
	for (i = 0; i < 2; i++) {
		struct rmm_mm *mm = mms[i];
		const char *k = i ? "6.1" : "6.12";

		is_long(W(mm, "foo 1 2000000", true), -EINVAL,
			"%s: not some/full: EINVAL", k);
		is_long(W(mm, "some 150000", true), -EINVAL,
			"%s: one number: EINVAL", k);
		is_long(W(mm, "some -1 2000000", true), -EINVAL,
			"%s: a sign: EINVAL (the kernel's %%u)", k);
		is_long(W(mm, "some 0x10 2000000", true), -EINVAL,
			"%s: hex: EINVAL", k);
		is_long(W(mm, "Some 1 2000000", true), -EINVAL,
			"%s: the word is case sensitive", k);
		is_long(W(mm, "some 0 2000000", true), -EINVAL,
			"%s: threshold 0: EINVAL", k);
		is_long(W(mm, "some 2000001 2000000", true), -EINVAL,
			"%s: threshold above the window: EINVAL", k);
		is_long(W(mm, "some 2000000 2000000", true), 0,
			"%s: threshold equal to the window: accepted", k);
		is_long(W(mm, "full 1 0", true), -EINVAL,
			"%s: window 0: EINVAL", k);
		is_long(W(mm, "some 1 10000001", true), -EINVAL,
			"%s: window above 10 s: EINVAL", k);
		is_long(W(mm, "full 1 10000000", true), 0,
			"%s: window 10 s: accepted", k);
		is_long(W(mm, "some 1 500000", true), 0,
			"%s: window 500 ms privileged: accepted", k);
		is_long(W(mm, "some 1 1000000", false), -EINVAL,
			"%s: unprivileged 1 s window: EINVAL", k);
		is_long(W(mm, "some 1 3000000", false), -EINVAL,
			"%s: unprivileged 3 s window: EINVAL", k);
		is_long(W(mm, "some 1 4000000", false), 0,
			"%s: unprivileged 4 s window: accepted", k);
		is_long(W(mm, "some150000 2000000", false), 0,
			"%s: sscanf's space matches none: accepted", k);
		is_long(W(mm, "some 150000\t2000000 junk", false), 0,
			"%s: tabs and trailing text: accepted", k);
		/* 4294967297 wraps to 1 in the kernel's 32-bit %u */
		is_long(W(mm, "some 4294967297 2000000", false), 0,
			"%s: a 33-bit threshold wraps to 1: accepted", k);
		is_long(W(mm, longw, true), -EINVAL,
			"%s: 33 bytes: the window cut to 20000 < threshold", k);
		if (mm == m61) {
			is_long(create(mm, longok, strlen(longok) + 1, true,
				       NULL), -EINVAL,
				"6.1: 33 bytes: window cut to 20 ms < 500 ms");
			continue;
		}
		ok(!create(mm, longok, strlen(longok) + 1, true, &t) &&
		   t->win.size == 20000 * MS / 1000 && t->threshold == 1000000,
		   "%s: 33 bytes: only 32 read, the 32nd is NUL", k);
		rmm_psi_trigger_destroy(mm, t, &(bool){ 0 });
	}
	/* windows below 500 ms: 6.12 accepts, Debian 6.1 refuses */
	is_long(W(m12, "some 1 499999", true), 0, "6.12: window 499999 us ok");
	is_long(W(m61, "some 1 499999", true), -EINVAL,
		"6.1: window below 500 ms: EINVAL");
	/* written with strlen (no NUL): the last digit is lost */
	is_long(create(m12, "some 100 1000000", 16, true, NULL), 0,
		"6.12: strlen write: window 100000 us, accepted");
	is_long(create(m61, "some 100 1000000", 16, true, NULL), -EINVAL,
		"6.1: strlen write: window 100000 us, EINVAL");
	rmm_port_fail_nth = 1;
	is_long(W(m12, "some 1 2000000", true), -ENOMEM, "allocation: ENOMEM");
	rmm_port_fail_nth = 0;
	free_mm(m12);
	free_mm(m61);
}

static int notified;

static void notify(struct rmm_psi_trigger *t, void *cookie)
{
	notified++;
}

/*
 * Unprivileged "some 500000 4000000": stalls of 0.6 s in periods 1 and
 * 2, none in 3.  Work at P: growth 0.6 s >= 0.5 s, fire.  At 2P: growth
 * 1.2 s (window reset, 4.008 s > 4 s), pending, but 2P < P + 4 s:
 * deferred.  At 3P (6.012 s >= 6.004 s) no new stall, still pending:
 * fire.
 */
static void test_trigger_avgs(void)
{
	struct rmm_mm *mm = new_mm(1, RMM_KVER(6, 12), false);
	struct rmm_psi_trigger *t;
	unsigned long delay;
	bool need, stop;
	const char *s = "some 500000 4000000";
	int k, fired[3];

	is_long(rmm_psi_trigger_create(mm, s, strlen(s) + 1, false, T0, notify,
				       NULL, &t, &need), 0,
		"unprivileged trigger");
	ok(!need && t->aggregator == RMM_PSI_AVGS,
	   "served by the averaging work, no rtpoll worker");
	ok(!rmm_psi_trigger_poll(t), "no event yet");
	chg(mm, 0, 0, RUN, T0);
	for (k = 0; k < 3; k++) {
		if (k < 2) {
			chg(mm, 0, 0, STALL, T0 + k * P);
			chg(mm, 0, STALL, 0, T0 + k * P + 600 * MS);
		}
		notified = 0;
		rmm_psi_avgs_work(mm, T0 + (k + 1) * P, -1, &delay);
		fired[k] = rmm_psi_trigger_poll(t);
		ok(fired[k] == notified, "period %d: notify iff event", k + 1);
	}
	ok(fired[0] && !fired[1] && fired[2],
	   "fire, deferred within the window, delivered later (%d %d %d)",
	   fired[0], fired[1], fired[2]);
	ok(!rmm_psi_trigger_poll(t), "the event is consumed by poll");
	rmm_psi_trigger_destroy(mm, t, &stop);
	ok(!stop, "no worker to stop");
	free_mm(mm);
}

/*
 * Privileged "some 100000 1000000": polled every 100 ms.  Times are ms
 * after T0.  Stall 10 .. 250 on a CPU with a running task.
 *   4:   first poll ("poll once"): nothing changed, polling stops
 *   10:  stall starts: the change arms the timer
 *   14:  SOME changed: windows reset (value includes 4 ms), until =
 *        1014, next update 114, re-armed in 100 ms / 4 ms + 1 = 26
 *   114: growth 100 ms >= 100 ms: fire (last event 114)
 *   214: growth 200 ms, pending, 214 < 1114: deferred
 *   314: SOME grew (214 .. 250): until = 1314; still deferred
 *   414 .. 1314: no change; at 1114 (>= last event + window):
 *        6.1: update_triggers() every period: the deferred event fires
 *        6.12: update_triggers() only on a change: still pending
 *   1414: past until (1314): polling stops
 *   2000: a new stall arms the timer; 2004 starts polling (windows
 *        reset, pending kept); 2104: 6.12 fires the pending event
 */
static void rtpoll_run(unsigned int kver, int *fire_at, int n)
{
	struct rmm_mm *mm = new_mm(1, kver, false);
	struct rmm_psi_trigger *t;
	unsigned long delay = 0;
	bool need, arm, stop;
	const char *s = "some 100000 1000000";
	int i = 0, ms;

	rmm_psi_trigger_create(mm, s, strlen(s) + 1, true, T0, notify, NULL,
			       &t, &need);
	ok(need && rmm_psi_rtpoll_worker_start(mm, &arm) && arm,
	   "privileged: a worker is needed; installed; poll once");
	ok(!rmm_psi_rtpoll_worker_start(mm, &arm),
	   "a second worker is refused (the racing creator stops its own)");
	is_long(mm->psi->rtpoll_min_period, 100 * MS, "poll period 100 ms");
	chg(mm, 0, 0, RUN, T0);
	ok(!rmm_psi_rtpoll_work(mm, T0 + 4 * MS, &delay),
	   "4: no change: polling stops");
	is_long(chg(mm, 0, 0, STALL, T0 + 10 * MS),
		RMM_PSI_ARM_AVGS | RMM_PSI_ARM_RTPOLL,
		"10: a stall arms the rtpoll timer");
	is_long(chg(mm, 0, 0, 0, T0 + 11 * MS), RMM_PSI_ARM_AVGS,
		"11: already scheduled: not again");
	ok(rmm_psi_rtpoll_work(mm, T0 + 14 * MS, &delay) && delay == 26,
	   "14: polling starts, next in 26 jiffies (%lu)", delay);
	is_long(mm->psi->rtpoll_until, T0 + 1014 * MS, "until 1014");
	notified = 0;
	for (ms = 114; ms <= 1414; ms += 100) {
		if (ms == 314)
			chg(mm, 0, STALL, 0, T0 + 250 * MS);
		arm = rmm_psi_rtpoll_work(mm, T0 + ms * MS, &delay);
		if (rmm_psi_trigger_poll(t) && i < n)
			fire_at[i++] = ms;
		if (ms == 1414)
			ok(!arm && mm->psi->rtpoll_next_update == ULLONG_MAX,
			   "1414: past until 1314: polling stops");
	}
	chg(mm, 0, 0, STALL, T0 + 2000 * MS);
	rmm_psi_rtpoll_work(mm, T0 + 2004 * MS, &delay);
	chg(mm, 0, STALL, 0, T0 + 2010 * MS);
	rmm_psi_rtpoll_work(mm, T0 + 2104 * MS, &delay);
	if (rmm_psi_trigger_poll(t) && i < n)
		fire_at[i++] = 2104;
	rmm_psi_trigger_destroy(mm, t, &stop);
	ok(stop, "the last privileged trigger stops the worker");
	rmm_psi_rtpoll_worker_stopped(mm);
	is_long(mm->psi->rtpoll_min_period, ULLONG_MAX,
		"no trigger left: no poll period");
	free_mm(mm);
}

static void test_trigger_rtpoll(void)
{
	int f12[4] = { 0 }, f61[4] = { 0 };

	rtpoll_run(RMM_KVER(6, 12), f12, 4);
	ok(f12[0] == 114 && f12[1] == 2104 && !f12[2],
	   "6.12: fired at 114, deferred event held until new stall, 2104 (%d %d %d)",
	   f12[0], f12[1], f12[2]);
	rtpoll_run(RMM_KVER(6, 1), f61, 4);
	ok(f61[0] == 114 && f61[1] == 1114 && !f61[2],
	   "6.1: fired at 114, deferred event delivered at 1114 (%d %d %d)",
	   f61[0], f61[1], f61[2]);
}

static void test_min_period(void)
{
	struct rmm_mm *mm = new_mm(1, RMM_KVER(6, 12), false);
	struct rmm_psi_trigger *a, *b;
	bool stop;

	create(mm, "some 1 1000000", 15, true, &a);
	create(mm, "full 1 500000", 14, true, &b);
	is_long(mm->psi->rtpoll_min_period, 50 * MS, "two triggers: 50 ms");
	ok(mm->psi->rtpoll_states == (SOME | FULL), "both states polled");
	rmm_psi_trigger_destroy(mm, b, &stop);
	ok(!stop && mm->psi->rtpoll_min_period == 100 * MS &&
	   mm->psi->rtpoll_states == SOME,
	   "the shorter gone: 100 ms, some only");
	rmm_psi_trigger_destroy(mm, a, &stop);
	ok(!stop, "no worker was started: nothing to stop");
	free_mm(mm);
}

/*
 * Threads: two "CPUs" entering and leaving stalls on their own slot with a
 * shared clock, while a third aggregates and reads; a fourth creates and
 * destroys triggers.  No count may be lost (all zero at the end, no
 * underflow), and full never exceeds some.
 */
static _Atomic u64 stress_clock = T0;
static _Atomic int stress_stop;

static void *stress_cpu(void *arg)
{
	struct rmm_mm *mm = arg;
	static _Atomic int next_cpu;
	int cpu = next_cpu++, i;

	rmm_port_set_cpu(cpu);
	for (i = 0; i < 20000; i++) {
		chg(mm, cpu, 0, RUN, stress_clock += 1000);
		chg(mm, cpu, 0, i & 1 ? RECLAIM : STALL, stress_clock += 5000);
		chg(mm, cpu, i & 1 ? RECLAIM : STALL, 0, stress_clock += 3000);
		chg(mm, cpu, RUN, 0, stress_clock += 1000);
	}
	return NULL;
}

static void *stress_reader(void *arg)
{
	struct rmm_mm *mm = arg;
	unsigned long delay;

	rmm_port_set_cpu(2);
	while (!stress_stop) {
		rmm_psi_avgs_work(mm, stress_clock, 2, &delay);
		rmm_psi_rtpoll_work(mm, stress_clock, &delay);
		show(mm, stress_clock);
	}
	return NULL;
}

static void *stress_triggers(void *arg)
{
	struct rmm_mm *mm = arg;
	struct rmm_psi_trigger *t;
	bool need, arm, stop;
	const char *s = "some 1000 500000";

	rmm_port_set_cpu(3);
	while (!stress_stop) {
		if (rmm_psi_trigger_create(mm, s, strlen(s) + 1, true,
					   stress_clock, notify, NULL, &t,
					   &need))
			continue;
		if (need)
			rmm_psi_rtpoll_worker_start(mm, &arm);
		rmm_psi_trigger_poll(t);
		rmm_psi_trigger_destroy(mm, t, &stop);
		if (stop)
			rmm_psi_rtpoll_worker_stopped(mm);
	}
	return NULL;
}

static void test_threads(void)
{
	struct rmm_mm *mm;
	pthread_t th[4];
	unsigned int sum = 0;
	int i, c;

	rmm_port_set_nr_cpus(4);
	mm = new_mm(4, RMM_KVER(6, 12), false);
	pthread_create(&th[0], NULL, stress_cpu, mm);
	pthread_create(&th[1], NULL, stress_cpu, mm);
	pthread_create(&th[2], NULL, stress_reader, mm);
	pthread_create(&th[3], NULL, stress_triggers, mm);
	pthread_join(th[0], NULL);
	pthread_join(th[1], NULL);
	stress_stop = 1;
	pthread_join(th[2], NULL);
	pthread_join(th[3], NULL);
	for (c = 0; c < 4; c++)
		for (i = 0; i < RMM_NR_PSI_TASK_COUNTS; i++)
			sum += mm->psi->pcpu[c].tasks[i];
	ok(!sum && !mm->psi->psi_bug, "threads: every count back to 0");
	show(mm, stress_clock);
	ok(mm->psi->total[RMM_PSI_AVGS][RMM_PSI_MEM_FULL] <=
	   mm->psi->total[RMM_PSI_AVGS][RMM_PSI_MEM_SOME] &&
	   mm->psi->total[RMM_PSI_AVGS][RMM_PSI_MEM_SOME] > 0,
	   "threads: 0 < full <= some");
	ok(!mm->psi->avg_triggers && !mm->psi->rtpoll_triggers &&
	   mm->psi->rtpoll_min_period == ULLONG_MAX,
	   "threads: every trigger gone");
	free_mm(mm);
}

int main(void)
{
	test_init();
	test_arith();
	test_averages();
	test_clamp();
	test_states_1cpu();
	test_weighting();
	test_trigger_refusals();
	test_trigger_avgs();
	test_trigger_rtpoll();
	test_min_period();
	test_threads();
	return done_testing();
}
