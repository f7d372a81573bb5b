/* SPDX-License-Identifier: GPL-2.0 */
/*
 * psi.h - pressure stall information for regionmm's memory, the core half
 * of /proc/regionmm/pressure/memory: kernel/sched/psi.c (Debian 6.12.117,
 * 6.1.192 where it differs) restricted to the memory resource, with every
 * clock reading passed in by the caller (ns) so the arithmetic runs on a
 * fake clock in host tests.  See Documentation/psi.rst.
 *
 * What the glue does and the core does not: the files, copy_from_user,
 * the per-file trigger slot (EBUSY), credentials (CAP_SYS_RESOURCE), wait
 * queues and poll(), the averaging delayed work, the rtpoll timer and
 * kthread, and the counting of what each task is doing (nesting of stalls,
 * preempt notifiers, idle time).  The core tells the glue what to arm
 * (return values) and calls t->notify() when a trigger fires.
 *
 * Invariants: tasks[] of a CPU never go below zero (an underflow is
 * reported once and ignored, as psi_bug); times[] are u32 and wrap as the
 * kernel's do (aggregation must run at least every 4.29 s of a state:
 * the averaging work runs every PSI_FREQ while anything is non-idle);
 * total[] only grow.
 *
 * Locking (Documentation/core.rst, lock order): see psi.c.
 */
#ifndef _RMM_PSI_H
#define _RMM_PSI_H

#include "rmm_port.h"
#include "mmzone.h"

/* enum psi_task_count, the counts the glue feeds per CPU */
enum rmm_psi_task_count {
	RMM_NR_IOWAIT,
	RMM_NR_MEMSTALL,
	RMM_NR_RUNNING,
	RMM_NR_MEMSTALL_RUNNING,
	RMM_NR_PSI_TASK_COUNTS,
};

/* task state bits for rmm_psi_group_change()'s clear/set (TSK_*) */
#define RMM_TSK_IOWAIT		BIT(RMM_NR_IOWAIT)
#define RMM_TSK_MEMSTALL	BIT(RMM_NR_MEMSTALL)
#define RMM_TSK_RUNNING		BIT(RMM_NR_RUNNING)
#define RMM_TSK_MEMSTALL_RUNNING BIT(RMM_NR_MEMSTALL_RUNNING)
#define RMM_TSK_ONCPU		BIT(RMM_NR_PSI_TASK_COUNTS)

/* enum psi_states for the memory resource; NONIDLE last, as the kernel's */
enum rmm_psi_states {
	RMM_PSI_MEM_SOME,
	RMM_PSI_MEM_FULL,
	RMM_PSI_NONIDLE,
	RMM_NR_PSI_STATES,
};

/* PSI_ONCPU: a flag in state_mask with no time bucket (bit 2 * NR_PSI_RESOURCES) */
#define RMM_PSI_ONCPU		BIT(RMM_NR_PSI_STATES)

enum rmm_psi_aggregators {
	RMM_PSI_AVGS,
	RMM_PSI_POLL,
	RMM_NR_PSI_AGGREGATORS,
};

/* kernel/sched/psi.c and include/linux/sched/loadavg.h constants */
#define RMM_FSHIFT		11
#define RMM_FIXED_1		(1UL << RMM_FSHIFT)
#define RMM_EXP_10s		1677
#define RMM_EXP_60s		1981
#define RMM_EXP_300s		2034
#define RMM_LOAD_INT(x)		((x) >> RMM_FSHIFT)
#define RMM_LOAD_FRAC(x)	RMM_LOAD_INT(((x) & (RMM_FIXED_1 - 1)) * 100)
#define RMM_PSI_WINDOW_MIN_US_61 500000		/* Debian 6.1 only */
#define RMM_PSI_WINDOW_MAX_US	10000000
#define RMM_PSI_UPDATES_PER_WINDOW 10
#define RMM_PSI_WRITE_MAX	32		/* psi_write()'s char buf[32] */
#define RMM_PSI_SHOW_MAX	160		/* two lines of psi_show() */

/* flags of rmm_psi_group_change() */
#define RMM_PSI_WAKE_CLOCK	BIT(0)	/* psi_group_change(..., wake_clock) */
#define RMM_PSI_CURR_MEMSTALL	BIT(1)	/* cpu_curr(cpu)->in_memstall */

/* what the glue must arm after rmm_psi_group_change() */
#define RMM_PSI_ARM_AVGS	BIT(0)	/* avgs work, PSI_FREQ, if not pending */
#define RMM_PSI_ARM_RTPOLL	BIT(1)	/* rtpoll timer, 1 jiffy */

/* psi_group_cpu: one CPU's view, under its lock */
struct rmm_psi_group_cpu {
	rmm_spinlock_t lock;		/* the kernel's psi_seq seqcount */
	unsigned int tasks[RMM_NR_PSI_TASK_COUNTS];
	u32 state_mask;
	u32 times[RMM_NR_PSI_STATES];
	u64 state_start;
	/*
	 * Optional (rmm_psi_cpu_idle()): cumulative idle ns of this CPU
	 * from the host (get_cpu_idle_time_us()); when the group runs with
	 * idle_nonidle, times[RMM_PSI_NONIDLE] is derived from it.
	 */
	u64 idle_ns;
	/* aggregation state, under the aggregator's mutex */
	u32 times_prev[RMM_NR_PSI_AGGREGATORS][RMM_NR_PSI_STATES];
	u64 nonidle_prev[RMM_NR_PSI_AGGREGATORS];	/* idle_nonidle only */
} ____cacheline_aligned;

struct rmm_psi_trigger;
typedef void (*rmm_psi_notify_t)(struct rmm_psi_trigger *t, void *cookie);

/* struct psi_window */
struct rmm_psi_window {
	u64 size;			/* ns */
	u64 start_time;
	u64 start_value;
	u64 prev_growth;
};

/* struct psi_trigger */
struct rmm_psi_trigger {
	struct rmm_psi_group *group;
	struct rmm_psi_trigger *next;	/* on avg_triggers or rtpoll_triggers */
	bool listed;
	enum rmm_psi_states state;
	u64 threshold;			/* ns */
	struct rmm_psi_window win;
	u64 last_event_time;
	bool pending_event;
	int event;			/* under group->event_lock */
	enum rmm_psi_aggregators aggregator;
	rmm_psi_notify_t notify;	/* wake the poll queue (glue) */
	void *cookie;
};

/* struct psi_group (the system group only) */
struct rmm_psi_group {
	struct rmm_mm *mm;
	unsigned int kver;		/* mm->layout.kver */
	unsigned int hz;
	u64 psi_period;			/* ns: jiffies_to_nsecs(2 * HZ + 1) */
	int nr_cpus;
	bool idle_nonidle;		/* NONIDLE from rmm_psi_cpu_idle() */
	u64 start_ns;			/* clock at init (idle_nonidle) */
	/*
	 * psi_bug: a task-count underflow was seen; its details are kept
	 * for the next aggregation to print (process context: the hot path
	 * may run under the scheduler's rq lock, where the kernel uses
	 * printk_deferred(), which the port has not)
	 */
	bool psi_bug;
	bool psi_bug_reported;		/* under avgs_lock */
	unsigned int bug_cpu, bug_t, bug_clear, bug_set;
	unsigned int bug_tasks[RMM_NR_PSI_TASK_COUNTS];
	struct rmm_psi_group_cpu *pcpu;

	/* averages and avg triggers, under avgs_lock */
	rmm_mutex_t avgs_lock;
	u64 total[RMM_NR_PSI_AGGREGATORS][RMM_NR_PSI_STATES - 1];
	unsigned long avg[RMM_NR_PSI_STATES - 1][3];
	u64 avg_last_update;
	u64 avg_next_update;
	u64 avg_total[RMM_NR_PSI_STATES - 1];
	struct rmm_psi_trigger *avg_triggers;
	u32 avg_nr_triggers[RMM_NR_PSI_STATES - 1];

	/* rtpoll triggers, under rtpoll_trigger_lock */
	rmm_mutex_t rtpoll_trigger_lock;
	struct rmm_psi_trigger *rtpoll_triggers;
	u32 rtpoll_nr_triggers[RMM_NR_PSI_STATES - 1];
	u32 rtpoll_states;
	u64 rtpoll_min_period;
	u64 rtpoll_total[RMM_NR_PSI_STATES - 1];
	u64 rtpoll_next_update;
	u64 rtpoll_until;

	/* rtpoll_scheduled and rtpoll_task != NULL, under rtpoll_sched_lock */
	rmm_spinlock_t rtpoll_sched_lock;
	bool rtpoll_scheduled;
	bool rtpoll_worker;

	rmm_spinlock_t event_lock;	/* every trigger's ->event */
};

struct rmm_psi_params {
	unsigned int hz;		/* the kernel's HZ; must divide 1000000 */
	bool idle_nonidle;		/* see rmm_psi_group_cpu.idle_ns */
};

/* setup: after rmm_mm_init(); mm->psi set on success */
int rmm_psi_init(struct rmm_mm *mm, const struct rmm_psi_params *p, u64 now);
void rmm_psi_fini(struct rmm_mm *mm);

/* loadavg.c arithmetic, exposed for the tests */
unsigned long rmm_psi_calc_load(unsigned long load, unsigned long exp,
				unsigned long active);
unsigned long rmm_psi_fixed_power_int(unsigned long x, unsigned int frac_bits,
				      unsigned int n);
unsigned long rmm_psi_calc_load_n(unsigned long load, unsigned long exp,
				  unsigned long active, unsigned int n);

/* hot path: psi_group_change() on @cpu; returns RMM_PSI_ARM_* */
unsigned int rmm_psi_group_change(struct rmm_mm *mm, int cpu,
				  unsigned int clear, unsigned int set,
				  u64 now, unsigned int flags);
void rmm_psi_cpu_idle(struct rmm_mm *mm, int cpu, u64 idle_ns);

/*
 * psi_avgs_work() at @now on CPU @cur_cpu (-1: the glue's counts do not
 * include the worker itself).  true: re-arm the work in *delay jiffies.
 */
bool rmm_psi_avgs_work(struct rmm_mm *mm, u64 now, int cur_cpu,
		       unsigned long *delay);
/* psi_rtpoll_work(); true: arm the rtpoll timer in *delay jiffies */
bool rmm_psi_rtpoll_work(struct rmm_mm *mm, u64 now, unsigned long *delay);

/* psi_show() for PSI_MEM into @buf; length written or -errno */
int rmm_psi_show(struct rmm_mm *mm, u64 now, char *buf, size_t size);

/*
 * psi_trigger_create() from the bytes the glue copied from user space
 * (@len = min(nbytes, RMM_PSI_WRITE_MAX) of them; len 0 is psi_write()'s
 * EINVAL): the last byte is replaced by NUL as psi_write() does.
 * @privileged: CAP_SYS_RESOURCE in the opener's credentials.  0 and *tp,
 * or -EINVAL/-ENOMEM.  *need_rtpoll_worker: the glue starts a worker and
 * calls rmm_psi_rtpoll_worker_start().
 */
int rmm_psi_trigger_create(struct rmm_mm *mm, const char *data, size_t len,
			   bool privileged, u64 now, rmm_psi_notify_t notify,
			   void *cookie, struct rmm_psi_trigger **tp,
			   bool *need_rtpoll_worker);
/*
 * psi_trigger_create_rtpoll_worker()'s locked part: false if another
 * worker is already installed (the caller stops its own); true: installed,
 * and *arm says whether to arm the timer in 1 jiffy ("poll once").
 */
bool rmm_psi_rtpoll_worker_start(struct rmm_mm *mm, bool *arm);
/*
 * psi_trigger_destroy(): unlist @t and free it.  *stop_worker: the last
 * privileged trigger went; the glue deletes its timer, waits for a
 * running timer callback, stops the worker and then calls
 * rmm_psi_rtpoll_worker_stopped().
 */
void rmm_psi_trigger_destroy(struct rmm_mm *mm, struct rmm_psi_trigger *t,
			     bool *stop_worker);
void rmm_psi_rtpoll_worker_stopped(struct rmm_mm *mm);
/* psi_trigger_poll()'s cmpxchg(&t->event, 1, 0): true means EPOLLPRI */
bool rmm_psi_trigger_poll(struct rmm_psi_trigger *t);

#endif /* _RMM_PSI_H */
