/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel port of the regionmm core: thin wrappers over the kernel's own
 * primitives, so that src/core/ code reads like mm/ code and the user-space
 * port (src/port/user/port.h) can model the same semantics.
 *
 * Per-CPU data of the core (per-CPU page lists, event counters) is protected
 * by disabling interrupts on the owning CPU (rmm_local_irq_save); a remote
 * CPU's lists are only touched from an IPI on that CPU (rmm_on_each_cpu) or
 * after the CPU is dead (cpuhp callback of the glue).
 */
#ifndef _RMM_PORT_KERNEL_H
#define _RMM_PORT_KERNEL_H

#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/cpumask.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/bitops.h>
#include <linux/math.h>
#include <linux/mutex.h>
#include <asm/page.h>

#define RMM_EXPORT(sym)		EXPORT_SYMBOL_GPL(sym)
/* host tests' fakes replace such functions; in the module: nothing */
#define RMM_HOST_WEAK

#define rmm_pr_err(fmt, ...)	pr_err("regionmm: " fmt, ##__VA_ARGS__)
#define rmm_pr_warn(fmt, ...)	pr_warn("regionmm: " fmt, ##__VA_ARGS__)
#define rmm_pr_info(fmt, ...)	pr_info("regionmm: " fmt, ##__VA_ARGS__)
#define rmm_pr_debug(fmt, ...)	pr_debug("regionmm: " fmt, ##__VA_ARGS__)
#define rmm_pr_warn_ratelimited(fmt, ...) \
	pr_warn_ratelimited("regionmm: " fmt, ##__VA_ARGS__)

#define RMM_WARN_ON(c)		WARN_ON(c)
#define RMM_WARN_ON_ONCE(c)	WARN_ON_ONCE(c)
#define RMM_BUG_ON(c)		BUG_ON(c)

#define RMM_L1_CACHE_BYTES	L1_CACHE_BYTES

/* CPUs */
#define rmm_smp_processor_id()	raw_smp_processor_id()
#define rmm_get_cpu()		get_cpu()
#define rmm_put_cpu()		put_cpu()
#define rmm_irqs_disabled()	irqs_disabled()
#define rmm_local_irq_save(f)	local_irq_save(f)
#define rmm_local_irq_restore(f) local_irq_restore(f)
#define rmm_port_nr_cpu_ids	nr_cpu_ids

static inline void rmm_on_each_cpu(void (*fn)(void *info), void *info)
{
	on_each_cpu(fn, info, 1);
}

/*
 * Remote calls: run fn(info) on another CPU in interrupt context (irqs
 * off there), asynchronously, from any context including irqs-off - what
 * the core needs to have an idle CPU give back its per-CPU lists.  Built on
 * smp_call_function_single_async() (irq_work_queue_on() is not exported).
 * Invariant: a call structure has at most one call in flight;
 * rmm_remote_call() returns false (nothing queued) if the previous one
 * has not run yet or @cpu is offline.  rmm_remote_call_sync() waits for
 * the call in flight, if any (the generic code writes the structure after
 * fn returns, so memory holding it may only be freed after this).
 */
typedef call_single_data_t rmm_remote_call_t;

static inline void rmm_remote_call_init(rmm_remote_call_t *c,
					void (*fn)(void *info), void *info)
{
	INIT_CSD(c, fn, info);
}

static inline bool rmm_remote_call(rmm_remote_call_t *c, int cpu)
{
	if (cpu == raw_smp_processor_id() || !cpu_online(cpu))
		return false;
	return !smp_call_function_single_async(cpu, c);
}

static inline void rmm_remote_call_sync(rmm_remote_call_t *c)
{
	/* acquire: pairs with csd_unlock()'s release after fn returned */
	while (smp_load_acquire(&c->node.u_flags) & CSD_FLAG_LOCK)
		cpu_relax();
}

/* locks */
typedef spinlock_t rmm_spinlock_t;
#define rmm_spin_lock_init(l)	spin_lock_init(l)
#define rmm_spin_lock(l)	spin_lock(l)
#define rmm_spin_trylock(l)	spin_trylock(l)
#define rmm_spin_unlock(l)	spin_unlock(l)
#define rmm_spin_lock_irqsave(l, f)	spin_lock_irqsave(l, f)
#define rmm_spin_unlock_irqrestore(l, f) spin_unlock_irqrestore(l, f)
#define rmm_assert_held(l)	lockdep_assert_held(l)
#define rmm_assert_irqs_disabled() lockdep_assert_irqs_disabled()

/*
 * sleeping locks (memobj.c): struct mutex; rmm_assert_held() works on
 * them too.  rmm_mutex_lock_nested(): a second lock of the same class
 * held at once, @subclass as in mutex_lock_nested();
 * rmm_mutex_lock_nest_lock(): any number of one class, each taken while
 * holding @outer (mutex_lock_nest_lock()).
 */
typedef struct mutex rmm_mutex_t;
#define rmm_mutex_init(l)	mutex_init(l)
#define rmm_mutex_destroy(l)	mutex_destroy(l)
#define rmm_mutex_lock(l)	mutex_lock(l)
#define rmm_mutex_lock_nested(l, subclass) mutex_lock_nested(l, subclass)
#define rmm_mutex_lock_nest_lock(l, outer) mutex_lock_nest_lock(l, outer)
#define rmm_mutex_unlock(l)	mutex_unlock(l)
#define rmm_mutex_trylock(l)	mutex_trylock(l)
#define rmm_mutex_is_locked(l)	mutex_is_locked(l)

/* atomics */
typedef atomic_long_t rmm_atomic_long_t;
#define rmm_atomic_long_read(a)		atomic_long_read(a)
#define rmm_atomic_long_set(a, v)	atomic_long_set(a, v)
#define rmm_atomic_long_add(v, a)	atomic_long_add(v, a)
#define rmm_atomic_long_sub(v, a)	atomic_long_sub(v, a)
#define rmm_atomic_long_inc(a)		atomic_long_inc(a)
#define rmm_atomic_long_dec(a)		atomic_long_dec(a)
#define rmm_atomic_long_dec_and_test(a)	atomic_long_dec_and_test(a)
#define rmm_atomic_long_inc_not_zero(a)	atomic_long_inc_not_zero(a)

/* metadata memory (never for the region's pages themselves) */
static inline void *rmm_kvzalloc(size_t size)
{
	return kvzalloc(size, GFP_KERNEL);
}

static inline void rmm_kvfree(const void *p)
{
	kvfree(p);
}

/* copy one page's contents (4 KiB, both page aligned) */
#define rmm_copy_page(to, from)	copy_page(to, from)

#define rmm_cond_resched()	cond_resched()
#define rmm_might_sleep()	might_sleep()
#define rmm_fatal_signal_pending()	fatal_signal_pending(current)
#define rmm_schedule_timeout_uninterruptible(j) \
	schedule_timeout_uninterruptible(j)

/*
 * The task's block plug (struct blk_plug, in port.c); a nested start
 * leaves the outer one in charge.  Opaque here: <linux/blkdev.h> would
 * bring <linux/mm.h>, whose declarations collide with the core's
 * functions of the same names.  port.c checks that the space fits.
 */
struct rmm_io_plug {
	u64 space[12];
};
void rmm_io_plug_start(struct rmm_io_plug *plug);
void rmm_io_plug_finish(struct rmm_io_plug *plug);
/* test injection points (rmm_inject() in the core): none in the module */
#define rmm_inject(point, arg)	do { } while (0)
#define rmm_int_sqrt(x)		int_sqrt(x)
/* bit scans, 1-based: 0 if none */
#define rmm_fls(x)		fls(x)
#define rmm_fls64(x)		fls64(x)
#define rmm_ffs64(x)		((x) ? __ffs64(x) + 1 : 0)
#define rmm_popcount64(x)	hweight64(x)

#endif /* _RMM_PORT_KERNEL_H */
