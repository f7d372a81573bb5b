// SPDX-License-Identifier: GPL-2.0
/*
 * psi.c - pressure stall information for regionmm's memory, after
 * kernel/sched/psi.c of Debian 6.12.117 (6.1.192 where it differs, chosen
 * by mm->layout.kver), the memory resource of the system group only:
 *
 *   rmm_psi_group_change()  psi_group_change(): task counts, test_states()
 *                           (MEM_SOME, MEM_FULL, NONIDLE), the
 *                           in_memstall FULL rule, record_times(); an
 *                           underflow is printed later, by the averaging
 *                           work or a read (no printk under rq lock)
 *   get_recent_times(), collect_percpu_times()  the per-CPU snapshot and
 *                           the non-idle weighted deltas into total[]
 *   update_averages(), calc_avgs()  avg10/60/300 every PSI_FREQ, missed
 *                           periods, the sample clamped to the period
 *   rmm_psi_show()          psi_show()'s two lines
 *   triggers                psi_trigger_create()'s parsing and limits,
 *                           window_update(), update_triggers(), the
 *                           rtpoll work's decisions (psi_rtpoll_work(),
 *                           psi_schedule_rtpoll_work()), destroy, poll
 *
 * Clocks: every entry point takes "now" in ns from the caller (the glue
 * reads one monotonic clock, sched_clock()/cpu_clock() in the kernel); a
 * reading older than a CPU's state_start counts as state_start.  HZ is the
 * host's (rmm_psi_params.hz), PSI_FREQ = 2 * HZ + 1 jiffies.
 *
 * Invariants: see psi.h.
 *
 * Locking (lock order in Documentation/core.rst):
 *   avgs_lock (mutex): total[RMM_PSI_AVGS], the averages, avg_triggers
 *   rtpoll_trigger_lock (mutex): total[RMM_PSI_POLL], rtpoll state and
 *     triggers; the two mutexes are never held together
 *     -> pcpu[cpu].lock (spinlock, irqsave, leaf): a CPU's tasks[],
 *        state_mask, state_start, times[] - the kernel's per-CPU psi_seq
 *        seqcount; writers (rmm_psi_group_change(), from the glue's stall
 *        enter/leave and preempt notifiers, possibly under the scheduler's
 *        rq lock, so nothing is taken under it) and readers (aggregation)
 *        both take it, which costs the hot path one uncontended lock
 *     -> event_lock (spinlock, leaf): the triggers' ->event (the kernel's
 *        cmpxchg); t->notify() is called after it is dropped, under the
 *        aggregator's mutex
 *   rtpoll_sched_lock (spinlock, irqsave, leaf): rtpoll_scheduled and
 *     "a worker exists" (the kernel's atomic_xchg and rtpoll_task); taken
 *     after pcpu lock is dropped, so its acquire/release orders "states
 *     stored" before "scheduled tested" as the kernel's full barrier does.
 */
#include "rmm_port.h"
#include "mmzone.h"
#include "psi.h"

#define RMM_PSI_RESCHEDULE	BIT(31)
#define PSI_NSEC_PER_USEC		1000ULL
#define PSI_NSEC_PER_SEC		1000000000ULL

static u64 psi_nsecs_to_jiffies(const struct rmm_psi_group *g, u64 ns)
{
	/* nsecs_to_jiffies64() when PSI_NSEC_PER_SEC % HZ == 0 */
	return ns / (PSI_NSEC_PER_SEC / g->hz);
}

/* ---- loadavg.h / loadavg.c arithmetic ---- */

unsigned long rmm_psi_calc_load(unsigned long load, unsigned long exp,
				unsigned long active)
{
	unsigned long newload;

	newload = load * exp + active * (RMM_FIXED_1 - exp);
	if (active >= load)
		newload += RMM_FIXED_1 - 1;

	return newload / RMM_FIXED_1;
}

/* kernel/sched/loadavg.c: x^n in O(log n), fixed point with rounding */
unsigned long rmm_psi_fixed_power_int(unsigned long x, unsigned int frac_bits,
				      unsigned int n)
{
	unsigned long result = 1UL << frac_bits;

	if (n) {
		for (;;) {
			if (n & 1) {
				result *= x;
				result += 1UL << (frac_bits - 1);
				result >>= frac_bits;
			}
			n >>= 1;
			if (!n)
				break;
			x *= x;
			x += 1UL << (frac_bits - 1);
			x >>= frac_bits;
		}
	}

	return result;
}

unsigned long rmm_psi_calc_load_n(unsigned long load, unsigned long exp,
				  unsigned long active, unsigned int n)
{
	return rmm_psi_calc_load(load,
				 rmm_psi_fixed_power_int(exp, RMM_FSHIFT, n),
				 active);
}

/* ---- setup ---- */

int rmm_psi_init(struct rmm_mm *mm, const struct rmm_psi_params *p, u64 now)
{
	struct rmm_psi_group *g;
	int cpu;

	/* jiffies_to_nsecs()/nsecs_to_jiffies() exact only for these */
	if (!p->hz || 1000000 % p->hz)
		return -EINVAL;
	g = rmm_kvzalloc(sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->nr_cpus = mm->layout.nr_cpu_ids;
	g->pcpu = rmm_kvzalloc(sizeof(*g->pcpu) * g->nr_cpus);
	if (!g->pcpu) {
		rmm_kvfree(g);
		return -ENOMEM;
	}
	for (cpu = 0; cpu < g->nr_cpus; cpu++) {
		rmm_spin_lock_init(&g->pcpu[cpu].lock);
		g->pcpu[cpu].state_start = now;
	}
	g->mm = mm;
	g->kver = mm->layout.kver;
	g->hz = p->hz;
	g->idle_nonidle = p->idle_nonidle;
	g->start_ns = now;
	/* psi_init(): psi_period = jiffies_to_nsecs(PSI_FREQ) */
	g->psi_period = (u64)(2 * p->hz + 1) * (1000000 / p->hz) *
			PSI_NSEC_PER_USEC;
	/* group_init() */
	g->avg_last_update = now;
	g->avg_next_update = now + g->psi_period;
	rmm_mutex_init(&g->avgs_lock);
	rmm_mutex_init(&g->rtpoll_trigger_lock);
	g->rtpoll_min_period = 0xffffffffULL;	/* U32_MAX */
	g->rtpoll_next_update = ULLONG_MAX;
	rmm_spin_lock_init(&g->rtpoll_sched_lock);
	rmm_spin_lock_init(&g->event_lock);
	mm->psi = g;
	return 0;
}
RMM_EXPORT(rmm_psi_init);

/* The glue destroyed every trigger and stopped its work and worker. */
void rmm_psi_fini(struct rmm_mm *mm)
{
	struct rmm_psi_group *g = mm->psi;

	if (!g)
		return;
	RMM_WARN_ON(g->avg_triggers || g->rtpoll_triggers);
	mm->psi = NULL;
	rmm_mutex_destroy(&g->avgs_lock);
	rmm_mutex_destroy(&g->rtpoll_trigger_lock);
	rmm_kvfree(g->pcpu);
	rmm_kvfree(g);
}
RMM_EXPORT(rmm_psi_fini);

/* ---- per-CPU state ---- */

static u32 test_states(const unsigned int *tasks, u32 state_mask)
{
	if (tasks[RMM_NR_MEMSTALL]) {
		state_mask |= BIT(RMM_PSI_MEM_SOME);
		if (tasks[RMM_NR_RUNNING] == tasks[RMM_NR_MEMSTALL_RUNNING])
			state_mask |= BIT(RMM_PSI_MEM_FULL);
	}

	if (tasks[RMM_NR_IOWAIT] || tasks[RMM_NR_MEMSTALL] ||
	    tasks[RMM_NR_RUNNING])
		state_mask |= BIT(RMM_PSI_NONIDLE);

	return state_mask;
}

static void record_times(struct rmm_psi_group_cpu *groupc, u64 now)
{
	u32 delta;

	delta = now - groupc->state_start;
	groupc->state_start = now;

	if (groupc->state_mask & BIT(RMM_PSI_MEM_SOME)) {
		groupc->times[RMM_PSI_MEM_SOME] += delta;
		if (groupc->state_mask & BIT(RMM_PSI_MEM_FULL))
			groupc->times[RMM_PSI_MEM_FULL] += delta;
	}

	if (groupc->state_mask & BIT(RMM_PSI_NONIDLE))
		groupc->times[RMM_PSI_NONIDLE] += delta;
}

/* psi_schedule_rtpoll_work() without the timer: true = arm it */
static bool psi_schedule_rtpoll(struct rmm_psi_group *g, bool force)
{
	unsigned long flags;
	bool arm = false;

	rmm_spin_lock_irqsave(&g->rtpoll_sched_lock, flags);
	if (!g->rtpoll_scheduled || force) {
		g->rtpoll_scheduled = true;
		if (g->rtpoll_worker)
			arm = true;
		else
			g->rtpoll_scheduled = false;
	}
	rmm_spin_unlock_irqrestore(&g->rtpoll_sched_lock, flags);
	return arm;
}

unsigned int rmm_psi_group_change(struct rmm_mm *mm, int cpu,
				  unsigned int clear, unsigned int set,
				  u64 now, unsigned int flags)
{
	struct rmm_psi_group *g = mm->psi;
	struct rmm_psi_group_cpu *groupc;
	unsigned int t, m, ret = 0;
	unsigned long irqflags;
	u32 state_mask;

	if (!g || cpu < 0 || cpu >= g->nr_cpus)
		return 0;
	groupc = &g->pcpu[cpu];
	rmm_spin_lock_irqsave(&groupc->lock, irqflags);

	if ((s64)(now - groupc->state_start) < 0)
		now = groupc->state_start;

	/* TSK_ONCPU has no count: a flag in state_mask */
	if (unlikely(clear & RMM_TSK_ONCPU)) {
		state_mask = 0;
		clear &= ~RMM_TSK_ONCPU;
	} else if (unlikely(set & RMM_TSK_ONCPU)) {
		state_mask = RMM_PSI_ONCPU;
		set &= ~RMM_TSK_ONCPU;
	} else {
		state_mask = groupc->state_mask & RMM_PSI_ONCPU;
	}

	for (t = 0, m = clear; m; m &= ~BIT(t), t++) {
		if (!(m & BIT(t)))
			continue;
		if (groupc->tasks[t]) {
			groupc->tasks[t]--;
		} else if (!READ_ONCE(g->psi_bug)) {
			/*
			 * printed by psi_report_bug(); racing CPUs may both
			 * write the details: one of them is printed
			 */
			g->bug_cpu = cpu;
			g->bug_t = t;
			memcpy(g->bug_tasks, groupc->tasks,
			       sizeof(g->bug_tasks));
			g->bug_clear = clear;
			g->bug_set = set;
			WRITE_ONCE(g->psi_bug, true);
		}
	}

	for (t = 0; set; set &= ~BIT(t), t++)
		if (set & BIT(t))
			groupc->tasks[t]++;

	state_mask = test_states(groupc->tasks, state_mask);

	/*
	 * A memstall is FULL when the CPU is actively reclaiming: the task
	 * on this CPU is in a memstall (cpu_curr(cpu)->in_memstall, told by
	 * the glue).
	 */
	if (unlikely((state_mask & RMM_PSI_ONCPU) &&
		     (flags & RMM_PSI_CURR_MEMSTALL)))
		state_mask |= BIT(RMM_PSI_MEM_FULL);

	record_times(groupc, now);
	groupc->state_mask = state_mask;
	rmm_spin_unlock_irqrestore(&groupc->lock, irqflags);

	if ((state_mask & READ_ONCE(g->rtpoll_states)) &&
	    psi_schedule_rtpoll(g, false))
		ret |= RMM_PSI_ARM_RTPOLL;
	if (flags & RMM_PSI_WAKE_CLOCK)
		ret |= RMM_PSI_ARM_AVGS;
	return ret;
}
RMM_EXPORT(rmm_psi_group_change);

void rmm_psi_cpu_idle(struct rmm_mm *mm, int cpu, u64 idle_ns)
{
	struct rmm_psi_group *g = mm->psi;
	unsigned long flags;

	if (!g || cpu < 0 || cpu >= g->nr_cpus)
		return;
	rmm_spin_lock_irqsave(&g->pcpu[cpu].lock, flags);
	g->pcpu[cpu].idle_ns = idle_ns;
	rmm_spin_unlock_irqrestore(&g->pcpu[cpu].lock, flags);
}
RMM_EXPORT(rmm_psi_cpu_idle);

/* ---- aggregation ---- */

/* the kernel's psi_bug message, from process context */
static void psi_report_bug(struct rmm_psi_group *g)
{
	rmm_assert_held(&g->avgs_lock);
	if (likely(!READ_ONCE(g->psi_bug)) || g->psi_bug_reported)
		return;
	g->psi_bug_reported = true;
	rmm_pr_err("psi: task underflow! cpu=%u t=%u tasks=[%u %u %u %u] clear=%x set=%x\n",
		   g->bug_cpu, g->bug_t, g->bug_tasks[0], g->bug_tasks[1],
		   g->bug_tasks[2], g->bug_tasks[3], g->bug_clear, g->bug_set);
}

/*
 * @avgs_work: called from the averaging work (the kernel's
 * current_work() == &group->avgs_work.work), which decides whether the
 * work re-arms itself; @cur_cpu: the CPU it runs on, or -1.
 */
static void get_recent_times(struct rmm_psi_group *g, int cpu,
			     enum rmm_psi_aggregators aggregator, u64 now,
			     bool avgs_work, int cur_cpu, u32 *times,
			     u32 *pchanged_states)
{
	struct rmm_psi_group_cpu *groupc = &g->pcpu[cpu];
	unsigned int tasks[RMM_NR_PSI_TASK_COUNTS];
	unsigned long flags;
	u64 state_start, idle_ns;
	u32 state_mask;
	int s;

	*pchanged_states = 0;

	rmm_spin_lock_irqsave(&groupc->lock, flags);
	memcpy(times, groupc->times, sizeof(groupc->times));
	state_mask = groupc->state_mask;
	state_start = groupc->state_start;
	idle_ns = groupc->idle_ns;
	memcpy(tasks, groupc->tasks, sizeof(groupc->tasks));
	rmm_spin_unlock_irqrestore(&groupc->lock, flags);

	if ((s64)(now - state_start) < 0)
		now = state_start;

	for (s = 0; s < RMM_NR_PSI_STATES; s++) {
		u32 delta;

		/* the live state counts up to now */
		if (state_mask & BIT(s))
			times[s] += now - state_start;

		delta = times[s] - groupc->times_prev[aggregator][s];
		groupc->times_prev[aggregator][s] = times[s];

		times[s] = delta;
		if (delta)
			*pchanged_states |= BIT(s);
	}

	if (g->idle_nonidle) {
		/*
		 * Non-idle = wall time - the host's idle time, in 64 bits; an
		 * idle reading that lags makes it jump ahead and then stand
		 * still, never go back.
		 */
		u64 wall = now - g->start_ns;
		u64 nonidle = wall > idle_ns ? wall - idle_ns : 0;
		u64 *prev = &groupc->nonidle_prev[aggregator];
		u32 delta = 0;

		if (nonidle > *prev) {
			delta = min_t(u64, nonidle - *prev, 0xffffffffULL);
			*prev = nonidle;
		}
		times[RMM_PSI_NONIDLE] = delta;
		*pchanged_states &= ~BIT(RMM_PSI_NONIDLE);
		if (delta)
			*pchanged_states |= BIT(RMM_PSI_NONIDLE);
	}

	if (avgs_work) {
		bool reschedule;

		if (cpu == cur_cpu)
			reschedule = tasks[RMM_NR_RUNNING] +
				     tasks[RMM_NR_IOWAIT] +
				     tasks[RMM_NR_MEMSTALL] > 1;
		else
			reschedule = *pchanged_states & BIT(RMM_PSI_NONIDLE);

		if (reschedule)
			*pchanged_states |= RMM_PSI_RESCHEDULE;
	}
}

static void collect_percpu_times(struct rmm_psi_group *g,
				 enum rmm_psi_aggregators aggregator, u64 now,
				 bool avgs_work, int cur_cpu,
				 u32 *pchanged_states)
{
	u64 deltas[RMM_NR_PSI_STATES - 1] = { 0, };
	unsigned long nonidle_total = 0;
	u32 changed_states = 0;
	int cpu, s;

	/*
	 * Each CPU's times weighted by its non-idle time in the period,
	 * counted in whole jiffies as the kernel does: a CPU with less than
	 * a jiffy of non-idle time weighs nothing.
	 */
	for (cpu = 0; cpu < g->nr_cpus; cpu++) {
		u32 times[RMM_NR_PSI_STATES];
		u32 cpu_changed_states;
		u32 nonidle;

		get_recent_times(g, cpu, aggregator, now, avgs_work, cur_cpu,
				 times, &cpu_changed_states);
		changed_states |= cpu_changed_states;

		nonidle = psi_nsecs_to_jiffies(g, times[RMM_PSI_NONIDLE]);
		nonidle_total += nonidle;

		for (s = 0; s < RMM_PSI_NONIDLE; s++)
			deltas[s] += (u64)times[s] * nonidle;
	}

	for (s = 0; s < RMM_NR_PSI_STATES - 1; s++)
		g->total[aggregator][s] +=
			deltas[s] / max(nonidle_total, 1UL);

	if (pchanged_states)
		*pchanged_states = changed_states;
}

static void calc_avgs(unsigned long avg[3], int missed_periods, u64 time,
		      u64 period)
{
	unsigned long pct;

	/* Fill in zeroes for periods of no activity */
	if (missed_periods) {
		avg[0] = rmm_psi_calc_load_n(avg[0], RMM_EXP_10s, 0,
					     missed_periods);
		avg[1] = rmm_psi_calc_load_n(avg[1], RMM_EXP_60s, 0,
					     missed_periods);
		avg[2] = rmm_psi_calc_load_n(avg[2], RMM_EXP_300s, 0,
					     missed_periods);
	}

	/* Sample the most recent active period */
	pct = time * 100 / period;
	pct *= RMM_FIXED_1;
	avg[0] = rmm_psi_calc_load(avg[0], RMM_EXP_10s, pct);
	avg[1] = rmm_psi_calc_load(avg[1], RMM_EXP_60s, pct);
	avg[2] = rmm_psi_calc_load(avg[2], RMM_EXP_300s, pct);
}

static u64 update_averages(struct rmm_psi_group *g, u64 now)
{
	unsigned long missed_periods = 0;
	u64 expires, period;
	u64 avg_next_update;
	int s;

	rmm_assert_held(&g->avgs_lock);
	expires = g->avg_next_update;
	if (now - expires >= g->psi_period)
		missed_periods = (now - expires) / g->psi_period;

	/* fixed psi_period steps against drift; real elapsed time below */
	avg_next_update = expires + ((1 + missed_periods) * g->psi_period);
	period = now - (g->avg_last_update + (missed_periods * g->psi_period));
	g->avg_last_update = now;

	for (s = 0; s < RMM_NR_PSI_STATES - 1; s++) {
		u32 sample;

		sample = g->total[RMM_PSI_AVGS][s] - g->avg_total[s];
		/* never above 100 %: the excess is carried to later periods */
		if (sample > period)
			sample = period;
		g->avg_total[s] += sample;
		calc_avgs(g->avg[s], missed_periods, sample, period);
	}

	return avg_next_update;
}

/* ---- triggers ---- */

static void window_reset(struct rmm_psi_window *win, u64 now, u64 value,
			 u64 prev_growth)
{
	win->start_time = now;
	win->start_value = value;
	win->prev_growth = prev_growth;
}

/* growth in a sliding window, the previous window's growth interpolated */
static u64 window_update(struct rmm_psi_window *win, u64 now, u64 value)
{
	u64 elapsed;
	u64 growth;

	elapsed = now - win->start_time;
	growth = value - win->start_value;
	if (elapsed > win->size) {
		window_reset(win, now, value, growth);
	} else {
		u32 remaining;

		remaining = win->size - elapsed;
		growth += win->prev_growth * remaining / win->size;
	}

	return growth;
}

/*
 * update_triggers(); returns 6.1's *update_total (a trigger saw new
 * stall), which 6.1's rtpoll work uses to refresh rtpoll_total.
 */
static bool update_triggers(struct rmm_psi_group *g, u64 now,
			    enum rmm_psi_aggregators aggregator)
{
	u64 *total = g->total[aggregator];
	struct rmm_psi_trigger *t;
	u64 *aggregator_total;
	bool update_total = false;

	if (aggregator == RMM_PSI_AVGS) {
		rmm_assert_held(&g->avgs_lock);
		t = g->avg_triggers;
		aggregator_total = g->avg_total;
	} else {
		rmm_assert_held(&g->rtpoll_trigger_lock);
		t = g->rtpoll_triggers;
		aggregator_total = g->rtpoll_total;
	}

	for (; t; t = t->next) {
		bool new_stall, wake = false;
		u64 growth;

		new_stall = aggregator_total[t->state] != total[t->state];

		/* Check for stall activity or a previous threshold breach */
		if (!new_stall && !t->pending_event)
			continue;
		/*
		 * New stall, or an event deferred in the last window after
		 * the trigger fired: events are rate limited, not dropped.
		 */
		if (new_stall) {
			update_total = true;
			growth = window_update(&t->win, now, total[t->state]);
			if (!t->pending_event) {
				if (growth < t->threshold)
					continue;

				t->pending_event = true;
			}
		}
		/* Limit event signaling to once per window */
		if (now < t->last_event_time + t->win.size)
			continue;

		/* Generate an event: cmpxchg(&t->event, 0, 1) */
		rmm_spin_lock(&g->event_lock);
		if (!t->event) {
			t->event = 1;
			wake = true;
		}
		rmm_spin_unlock(&g->event_lock);
		if (wake && t->notify)
			t->notify(t, t->cookie);
		t->last_event_time = now;
		/* Reset threshold breach flag once event got generated */
		t->pending_event = false;
	}
	return update_total;
}

bool rmm_psi_avgs_work(struct rmm_mm *mm, u64 now, int cur_cpu,
		       unsigned long *delay)
{
	struct rmm_psi_group *g = mm->psi;
	u32 changed_states;
	bool resched;

	rmm_mutex_lock(&g->avgs_lock);
	psi_report_bug(g);
	collect_percpu_times(g, RMM_PSI_AVGS, now, true, cur_cpu,
			     &changed_states);
	/*
	 * Fold the per-CPU times into the averages while there is activity;
	 * when idle the work stops and the next run catches up the missed
	 * periods in one go.
	 */
	if (now >= g->avg_next_update) {
		update_triggers(g, now, RMM_PSI_AVGS);
		g->avg_next_update = update_averages(g, now);
	}

	resched = changed_states & RMM_PSI_RESCHEDULE;
	if (resched)
		*delay = psi_nsecs_to_jiffies(g, g->avg_next_update - now) + 1;
	rmm_mutex_unlock(&g->avgs_lock);
	return resched;
}
RMM_EXPORT(rmm_psi_avgs_work);

static void init_rtpoll_triggers(struct rmm_psi_group *g, u64 now)
{
	struct rmm_psi_trigger *t;

	for (t = g->rtpoll_triggers; t; t = t->next)
		window_reset(&t->win, now, g->total[RMM_PSI_POLL][t->state],
			     0);
	memcpy(g->rtpoll_total, g->total[RMM_PSI_POLL],
	       sizeof(g->rtpoll_total));
	g->rtpoll_next_update = now + g->rtpoll_min_period;
}

bool rmm_psi_rtpoll_work(struct rmm_mm *mm, u64 now, unsigned long *delay)
{
	struct rmm_psi_group *g = mm->psi;
	bool force_reschedule = false;
	u32 changed_states;
	unsigned long flags;
	bool arm = false;

	rmm_mutex_lock(&g->rtpoll_trigger_lock);

	if (now > g->rtpoll_until) {
		/*
		 * About to start, or to stop unless a state changed: clear
		 * rtpoll_scheduled before reading the states, so a change
		 * this pass misses re-arms the timer itself.
		 */
		rmm_spin_lock_irqsave(&g->rtpoll_sched_lock, flags);
		g->rtpoll_scheduled = false;
		rmm_spin_unlock_irqrestore(&g->rtpoll_sched_lock, flags);
	} else {
		/* The rtpolling window is not over, keep rescheduling */
		force_reschedule = true;
	}

	collect_percpu_times(g, RMM_PSI_POLL, now, false, -1,
			     &changed_states);

	if (changed_states & g->rtpoll_states) {
		/* Initialize trigger windows when entering rtpolling mode */
		if (now > g->rtpoll_until)
			init_rtpoll_triggers(g, now);

		/* stay active a minimum window while the states change */
		g->rtpoll_until = now +
			g->rtpoll_min_period * RMM_PSI_UPDATES_PER_WINDOW;
	}

	if (now > g->rtpoll_until) {
		g->rtpoll_next_update = ULLONG_MAX;
		goto out;
	}

	if (now >= g->rtpoll_next_update) {
		if (g->kver < RMM_KVER(6, 12)) {
			/* 6.1: every poll period, deferred events included */
			if (update_triggers(g, now, RMM_PSI_POLL))
				memcpy(g->rtpoll_total, g->total[RMM_PSI_POLL],
				       sizeof(g->rtpoll_total));
		} else if (changed_states & g->rtpoll_states) {
			update_triggers(g, now, RMM_PSI_POLL);
			memcpy(g->rtpoll_total, g->total[RMM_PSI_POLL],
			       sizeof(g->rtpoll_total));
		}
		g->rtpoll_next_update = now + g->rtpoll_min_period;
	}

	arm = psi_schedule_rtpoll(g, force_reschedule);
	if (arm)
		*delay = psi_nsecs_to_jiffies(g, g->rtpoll_next_update - now) +
			 1;
out:
	rmm_mutex_unlock(&g->rtpoll_trigger_lock);
	return arm;
}
RMM_EXPORT(rmm_psi_rtpoll_work);

/* ---- psi_show() ---- */

int rmm_psi_show(struct rmm_mm *mm, u64 now, char *buf, size_t size)
{
	struct rmm_psi_group *g = mm->psi;
	int full, len = 0;

	if (!g)
		return -EOPNOTSUPP;

	/* Update averages before reporting them */
	rmm_mutex_lock(&g->avgs_lock);
	psi_report_bug(g);
	collect_percpu_times(g, RMM_PSI_AVGS, now, false, -1, NULL);
	if (now >= g->avg_next_update)
		g->avg_next_update = update_averages(g, now);

	for (full = 0; full < 2; full++) {
		unsigned long avg[3];
		unsigned long long total;
		int w, n;

		for (w = 0; w < 3; w++)
			avg[w] = g->avg[full][w];
		total = g->total[RMM_PSI_AVGS][full] / PSI_NSEC_PER_USEC;

		n = snprintf(buf + len, size - len,
			     "%s avg10=%lu.%02lu avg60=%lu.%02lu avg300=%lu.%02lu total=%llu\n",
			     full ? "full" : "some",
			     RMM_LOAD_INT(avg[0]), RMM_LOAD_FRAC(avg[0]),
			     RMM_LOAD_INT(avg[1]), RMM_LOAD_FRAC(avg[1]),
			     RMM_LOAD_INT(avg[2]), RMM_LOAD_FRAC(avg[2]),
			     total);
		if (n < 0 || (size_t)n >= size - len) {
			len = -ENOSPC;
			break;
		}
		len += n;
	}
	rmm_mutex_unlock(&g->avgs_lock);
	return len;
}
RMM_EXPORT(rmm_psi_show);

/* ---- trigger creation and destruction ---- */

/* the kernel's isspace(): _ctype's _S, which includes 0xa0 */
static bool psi_isspace(char c)
{
	unsigned char u = c;

	return u == ' ' || (u >= '\t' && u <= '\r') || u == 0xa0;
}

static const char *psi_skip_spaces(const char *s)
{
	while (psi_isspace(*s))
		s++;
	return s;
}

/*
 * The kernel's sscanf(buf, "<word> %u %u", a, b) (lib/vsprintf.c
 * vsscanf()): the word must match exactly; each space of the format
 * matches any run of white space, also none; %u skips white space, needs
 * a digit (no sign, no "0x"), takes every following digit with a 64-bit
 * result that wraps, truncated to 32 bits; trailing text is ignored.
 * Returns the number of conversions.
 */
static int psi_sscanf(const char *str, const char *word, u32 *a, u32 *b)
{
	u32 *out[2] = { a, b };
	int num;

	for (; *word; word++, str++)
		if (*word != *str)
			return 0;
	for (num = 0; num < 2; num++) {
		u64 val = 0;

		str = psi_skip_spaces(str);	/* the format's space */
		if (!*str)
			return num;
		str = psi_skip_spaces(str);	/* %u's own skip */
		if (*str < '0' || *str > '9')
			return num;
		while (*str >= '0' && *str <= '9')
			val = val * 10 + (*str++ - '0');
		*out[num] = (u32)val;
	}
	return num;
}

int rmm_psi_trigger_create(struct rmm_mm *mm, const char *data, size_t len,
			   bool privileged, u64 now, rmm_psi_notify_t notify,
			   void *cookie, struct rmm_psi_trigger **tp,
			   bool *need_rtpoll_worker)
{
	struct rmm_psi_group *g = mm->psi;
	char buf[RMM_PSI_WRITE_MAX];
	struct rmm_psi_trigger *t;
	enum rmm_psi_states state;
	u32 threshold_us, window_us;
	unsigned long flags;

	*need_rtpoll_worker = false;
	if (!g)
		return -EOPNOTSUPP;

	/* psi_write(): nbytes 0; min(nbytes, 32) copied, last byte NUL */
	if (!len)
		return -EINVAL;
	len = min(len, sizeof(buf));
	memcpy(buf, data, len);
	buf[len - 1] = '\0';

	if (psi_sscanf(buf, "some", &threshold_us, &window_us) == 2)
		state = RMM_PSI_MEM_SOME;
	else if (psi_sscanf(buf, "full", &threshold_us, &window_us) == 2)
		state = RMM_PSI_MEM_FULL;
	else
		return -EINVAL;

	if (g->kver < RMM_KVER(6, 12)) {
		/* Debian 6.1 keeps WINDOW_MIN_US */
		if (window_us < RMM_PSI_WINDOW_MIN_US_61 ||
		    window_us > RMM_PSI_WINDOW_MAX_US)
			return -EINVAL;
	} else if (window_us == 0 || window_us > RMM_PSI_WINDOW_MAX_US) {
		return -EINVAL;
	}

	/* unprivileged: 2 s multiples, served by the averaging work */
	if (!privileged && window_us % 2000000)
		return -EINVAL;

	if (threshold_us == 0 || threshold_us > window_us)
		return -EINVAL;

	t = rmm_kvzalloc(sizeof(*t));
	if (!t)
		return -ENOMEM;

	t->group = g;
	t->state = state;
	t->threshold = threshold_us * PSI_NSEC_PER_USEC;
	t->win.size = window_us * PSI_NSEC_PER_USEC;
	/* the kernel starts every window on the rtpoll total */
	window_reset(&t->win, now, READ_ONCE(g->total[RMM_PSI_POLL][state]),
		     0);
	t->notify = notify;
	t->cookie = cookie;
	t->aggregator = privileged ? RMM_PSI_POLL : RMM_PSI_AVGS;

	if (privileged) {
		rmm_mutex_lock(&g->rtpoll_trigger_lock);
		t->next = g->rtpoll_triggers;
		g->rtpoll_triggers = t;
		t->listed = true;
		g->rtpoll_min_period = min(g->rtpoll_min_period,
					   t->win.size /
					   RMM_PSI_UPDATES_PER_WINDOW);
		g->rtpoll_nr_triggers[t->state]++;
		WRITE_ONCE(g->rtpoll_states, g->rtpoll_states | BIT(t->state));
		rmm_spin_lock_irqsave(&g->rtpoll_sched_lock, flags);
		*need_rtpoll_worker = !g->rtpoll_worker;
		rmm_spin_unlock_irqrestore(&g->rtpoll_sched_lock, flags);
		rmm_mutex_unlock(&g->rtpoll_trigger_lock);
	} else {
		rmm_mutex_lock(&g->avgs_lock);
		t->next = g->avg_triggers;
		g->avg_triggers = t;
		t->listed = true;
		g->avg_nr_triggers[t->state]++;
		rmm_mutex_unlock(&g->avgs_lock);
	}
	*tp = t;
	return 0;
}
RMM_EXPORT(rmm_psi_trigger_create);

bool rmm_psi_rtpoll_worker_start(struct rmm_mm *mm, bool *arm)
{
	struct rmm_psi_group *g = mm->psi;
	unsigned long flags;
	bool installed = false;

	*arm = false;
	rmm_mutex_lock(&g->rtpoll_trigger_lock);
	rmm_spin_lock_irqsave(&g->rtpoll_sched_lock, flags);
	if (!g->rtpoll_worker) {
		g->rtpoll_worker = true;
		installed = true;
	}
	rmm_spin_unlock_irqrestore(&g->rtpoll_sched_lock, flags);
	/* poll once for the scheduling attempts dropped without a worker */
	if (installed)
		*arm = psi_schedule_rtpoll(g, true);
	rmm_mutex_unlock(&g->rtpoll_trigger_lock);
	return installed;
}
RMM_EXPORT(rmm_psi_rtpoll_worker_start);

static void psi_unlist(struct rmm_psi_trigger **head,
		       struct rmm_psi_trigger *t)
{
	for (; *head; head = &(*head)->next) {
		if (*head == t) {
			*head = t->next;
			break;
		}
	}
	t->listed = false;
}

void rmm_psi_trigger_destroy(struct rmm_mm *mm, struct rmm_psi_trigger *t,
			     bool *stop_worker)
{
	struct rmm_psi_group *g;
	unsigned long flags;

	*stop_worker = false;
	if (!t)
		return;
	g = t->group;

	if (t->aggregator == RMM_PSI_AVGS) {
		rmm_mutex_lock(&g->avgs_lock);
		if (t->listed) {
			psi_unlist(&g->avg_triggers, t);
			g->avg_nr_triggers[t->state]--;
		}
		rmm_mutex_unlock(&g->avgs_lock);
	} else {
		rmm_mutex_lock(&g->rtpoll_trigger_lock);
		if (t->listed) {
			struct rmm_psi_trigger *tmp;
			u64 period = ULLONG_MAX;

			psi_unlist(&g->rtpoll_triggers, t);
			g->rtpoll_nr_triggers[t->state]--;
			if (!g->rtpoll_nr_triggers[t->state])
				WRITE_ONCE(g->rtpoll_states,
					   g->rtpoll_states & ~BIT(t->state));
			/*
			 * 6.12 recomputes the minimum only when this trigger
			 * had it, 6.1 always: the same result.
			 */
			if (g->rtpoll_min_period ==
			    t->win.size / RMM_PSI_UPDATES_PER_WINDOW) {
				for (tmp = g->rtpoll_triggers; tmp;
				     tmp = tmp->next)
					period = min(period, tmp->win.size /
						     RMM_PSI_UPDATES_PER_WINDOW);
				g->rtpoll_min_period = period;
			}
			/* the last trigger takes the worker with it */
			if (g->rtpoll_states == 0) {
				g->rtpoll_until = 0;
				rmm_spin_lock_irqsave(&g->rtpoll_sched_lock,
						      flags);
				*stop_worker = g->rtpoll_worker;
				g->rtpoll_worker = false;
				rmm_spin_unlock_irqrestore(&g->rtpoll_sched_lock,
							   flags);
			}
		}
		rmm_mutex_unlock(&g->rtpoll_trigger_lock);
	}
	/*
	 * update_triggers() runs under the mutex just taken and dropped with
	 * @t unlisted: no t->notify() can be running any more.
	 */
	rmm_kvfree(t);
}
RMM_EXPORT(rmm_psi_trigger_destroy);

void rmm_psi_rtpoll_worker_stopped(struct rmm_mm *mm)
{
	struct rmm_psi_group *g = mm->psi;
	unsigned long flags;

	rmm_spin_lock_irqsave(&g->rtpoll_sched_lock, flags);
	g->rtpoll_scheduled = false;
	rmm_spin_unlock_irqrestore(&g->rtpoll_sched_lock, flags);
}
RMM_EXPORT(rmm_psi_rtpoll_worker_stopped);

bool rmm_psi_trigger_poll(struct rmm_psi_trigger *t)
{
	struct rmm_psi_group *g = t->group;
	bool ev;

	rmm_spin_lock(&g->event_lock);
	ev = t->event;
	t->event = 0;
	rmm_spin_unlock(&g->event_lock);
	return ev;
}
RMM_EXPORT(rmm_psi_trigger_poll);
