/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space port of the regionmm core: the same src/core/ C files that go
 * into regionmm.ko are compiled into host test programs with this header.
 *
 * Model of the kernel services:
 *  - A "CPU" is a slot 0..rmm_port_nr_cpu_ids-1.  Each thread sits on one
 *    slot (rmm_port_set_cpu(), default 0); several threads may share one.
 *  - rmm_local_irq_save() = take the current slot's lock (recursively), so
 *    that per-CPU data of a slot is used by one thread at a time, exactly as
 *    disabling interrupts protects a CPU's data in the kernel.
 *  - rmm_on_each_cpu(fn) runs fn for every slot, each time holding that slot's
 *    lock and pretending to run on it (rmm_smp_processor_id() returns the
 *    slot) - the semantics of an IPI.  Must not be called with "irqs off".
 *  - rmm_spinlock_t records its owner so rmm_assert_held() really checks.
 *  - Asserts and BUG_ON abort(); WARN_ON prints and counts in
 *    rmm_port_warnings so tests can require "no warnings".
 *  - rmm_kvzalloc() counts live blocks and can be made to fail the N-th
 *    call (rmm_port_fail_nth) to test every ENOMEM path.
 */
#ifndef _RMM_PORT_USER_H
#define _RMM_PORT_USER_H

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif
#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#ifndef min
#define min(a, b)	((a) < (b) ? (a) : (b))
#define max(a, b)	((a) > (b) ? (a) : (b))
#endif
#define max3(a, b, c)	max(max(a, b), c)
#define min_t(t, a, b)	((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b)	((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define clamp(v, lo, hi) min(max(v, lo), hi)
#define clamp_t(t, v, lo, hi) min_t(t, max_t(t, v, lo), hi)
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define ALIGN(x, a)	(((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define BIT(n)		(1UL << (n))
#ifndef __always_inline
#define __always_inline	inline __attribute__((__always_inline__))
#endif
#define noinline	__attribute__((__noinline__))
#define __cold		__attribute__((__cold__))
#define __maybe_unused	__attribute__((__unused__))
#define ____cacheline_aligned __attribute__((__aligned__(64)))
#define fallthrough	__attribute__((__fallthrough__))
#define __printf(a, b)	__attribute__((__format__(printf, a, b)))
#define barrier()	__asm__ __volatile__("" : : : "memory")
#define RMM_L1_CACHE_BYTES 64	/* x86-64's L1_CACHE_BYTES */

/* the kernel's strscpy(): always terminated; -E2BIG when truncated */
static inline long strscpy(char *dst, const char *src, size_t size)
{
	size_t len;

	if (!size)
		return -E2BIG;
	len = strnlen(src, size);
	if (len == size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = 0;
		return -E2BIG;
	}
	memcpy(dst, src, len + 1);
	return len;
}
#define RMM_EXPORT(sym)
/*
 * a core function a host test may replace with its own fake (weak here,
 * an ordinary definition in the module)
 */
#define RMM_HOST_WEAK __attribute__((weak))

#define RMM_USER_MAX_CPUS 64

/* ---- logging, warnings, asserts ---- */
extern atomic_long rmm_port_warnings;	/* WARN_ON hits so far */
extern char rmm_port_last_warning[160];	/* "file:line: cond" of the last */
extern int rmm_port_quiet;		/* suppress pr_* (expected failures) */

#define rmm_pr(lvl, fmt, ...) do {					\
	if (!rmm_port_quiet)						\
		fprintf(stderr, "regionmm: " lvl fmt, ##__VA_ARGS__);	\
} while (0)
#define rmm_pr_err(fmt, ...)	rmm_pr("error: ", fmt, ##__VA_ARGS__)
#define rmm_pr_warn(fmt, ...)	rmm_pr("warning: ", fmt, ##__VA_ARGS__)
#define rmm_pr_info(fmt, ...)	rmm_pr("", fmt, ##__VA_ARGS__)
#define rmm_pr_debug(fmt, ...)	do { if (0) rmm_pr("", fmt, ##__VA_ARGS__); } while (0)
bool rmm_port_ratelimit(void);
#define rmm_pr_warn_ratelimited(fmt, ...) do {				\
	if (rmm_port_ratelimit())					\
		rmm_pr_warn(fmt, ##__VA_ARGS__);			\
} while (0)

void rmm_port_warn(const char *file, int line, const char *cond);
void rmm_port_bug(const char *file, int line, const char *cond)
	__attribute__((__noreturn__));

#define RMM_WARN_ON(c) ({						\
	bool __c = !!(c);						\
	if (unlikely(__c))						\
		rmm_port_warn(__FILE__, __LINE__, #c);			\
	unlikely(__c);							\
})
#define RMM_WARN_ON_ONCE(c) ({						\
	static bool __warned;						\
	bool __c = !!(c);						\
	if (unlikely(__c) && !__warned) {				\
		__warned = true;					\
		rmm_port_warn(__FILE__, __LINE__, #c);			\
	} else if (unlikely(__c)) {					\
		atomic_fetch_add(&rmm_port_warnings, 1);		\
	}								\
	unlikely(__c);							\
})
#define RMM_BUG_ON(c) do {						\
	if (unlikely(c))						\
		rmm_port_bug(__FILE__, __LINE__, #c);			\
} while (0)

/* ---- CPUs ---- */
extern int rmm_port_nr_cpu_ids;		/* possible CPUs, set by the test */
extern __thread int rmm_port_cpu;	/* slot of this thread */
extern __thread int rmm_port_irq_depth;	/* nesting of irq-off sections */

struct rmm_port_cpu_slot {
	pthread_spinlock_t lock;
	char pad[64 - sizeof(pthread_spinlock_t)];
} __attribute__((__aligned__(64)));
extern struct rmm_port_cpu_slot rmm_port_cpu_slots[RMM_USER_MAX_CPUS];

void rmm_port_set_cpu(int cpu);	/* thread moves to slot cpu (irqs on only) */
void rmm_port_set_nr_cpus(int nr);

static inline int rmm_smp_processor_id(void)
{
	return rmm_port_cpu;
}

static inline bool rmm_irqs_disabled(void)
{
	return rmm_port_irq_depth > 0;
}

#define rmm_local_irq_save(flags) do {					\
	(flags) = 0;							\
	if (rmm_port_irq_depth++ == 0)					\
		pthread_spin_lock(&rmm_port_cpu_slots[rmm_port_cpu].lock); \
} while (0)
#define rmm_local_irq_restore(flags) do {				\
	(void)(flags);							\
	if (--rmm_port_irq_depth == 0)					\
		pthread_spin_unlock(&rmm_port_cpu_slots[rmm_port_cpu].lock); \
} while (0)

/*
 * rmm_get_cpu()/rmm_put_cpu(): preemption off (kernel: get_cpu()).  Here
 * several threads may share a slot and are preempted, so "no one else
 * runs on this CPU" takes the slot lock, as rmm_local_irq_save() does;
 * the kernel's interrupts stay on, which this cannot model (re-entry from
 * an interrupt is tested in the guest).  rmm_port_slot_owned: set by a
 * single-threaded benchmark whose slot no other thread uses; the lock is
 * then skipped so native numbers show the kernel's get_cpu() fast path.
 */
extern bool rmm_port_slot_owned;

static inline int rmm_get_cpu(void)
{
	unsigned long f __maybe_unused;

	if (!rmm_port_slot_owned)
		rmm_local_irq_save(f);
	return rmm_port_cpu;
}

static inline void rmm_put_cpu(void)
{
	unsigned long f = 0;

	if (!rmm_port_slot_owned)
		rmm_local_irq_restore(f);
}

void rmm_on_each_cpu(void (*fn)(void *info), void *info);

/*
 * Remote calls (kernel: smp_call_function_single_async()): fn(info) runs
 * "on" slot @cpu with that slot's irqs off.  Emulated synchronously: the
 * caller's thread takes the slot's lock with a trylock (it may hold its
 * own: trylock cannot deadlock) and pretends to be that CPU; a busy slot,
 * or the caller's own, means nothing is run and false is returned, as a
 * call still in flight does in the kernel.  The caller must not hold a
 * lock that fn takes.
 */
typedef struct {
	void (*fn)(void *info);
	void *info;
} rmm_remote_call_t;

static inline void rmm_remote_call_init(rmm_remote_call_t *c,
					void (*fn)(void *info), void *info)
{
	c->fn = fn;
	c->info = info;
}

static inline bool rmm_remote_call(rmm_remote_call_t *c, int cpu)
{
	int self = rmm_port_cpu, depth = rmm_port_irq_depth;

	if (cpu == self || cpu < 0 || cpu >= rmm_port_nr_cpu_ids ||
	    pthread_spin_trylock(&rmm_port_cpu_slots[cpu].lock))
		return false;
	rmm_port_cpu = cpu;
	rmm_port_irq_depth = depth + 1;
	c->fn(c->info);
	rmm_port_irq_depth = depth;
	rmm_port_cpu = self;
	pthread_spin_unlock(&rmm_port_cpu_slots[cpu].lock);
	return true;
}

static inline void rmm_remote_call_sync(rmm_remote_call_t *c)
{
	(void)c;	/* calls run synchronously */
}

/* ---- spinlocks with an owner ---- */
typedef struct {
	pthread_spinlock_t lock;
	_Atomic(void *) owner;
} rmm_spinlock_t;

extern __thread char rmm_port_self;	/* its address identifies a thread */

static inline void rmm_spin_lock_init(rmm_spinlock_t *l)
{
	pthread_spin_init(&l->lock, PTHREAD_PROCESS_PRIVATE);
	atomic_store_explicit(&l->owner, NULL, memory_order_relaxed);
}

static inline void rmm_spin_lock(rmm_spinlock_t *l)
{
	RMM_BUG_ON(atomic_load_explicit(&l->owner, memory_order_relaxed) ==
		   &rmm_port_self);	/* recursive locking: self-deadlock */
	pthread_spin_lock(&l->lock);
	atomic_store_explicit(&l->owner, &rmm_port_self, memory_order_relaxed);
}

static inline bool rmm_spin_trylock(rmm_spinlock_t *l)
{
	if (pthread_spin_trylock(&l->lock))
		return false;
	atomic_store_explicit(&l->owner, &rmm_port_self, memory_order_relaxed);
	return true;
}

static inline void rmm_spin_unlock(rmm_spinlock_t *l)
{
	RMM_BUG_ON(atomic_load_explicit(&l->owner, memory_order_relaxed) !=
		   &rmm_port_self);
	atomic_store_explicit(&l->owner, NULL, memory_order_relaxed);
	pthread_spin_unlock(&l->lock);
}

#define rmm_spin_lock_irqsave(l, flags) do {				\
	rmm_local_irq_save(flags);					\
	rmm_spin_lock(l);						\
} while (0)
#define rmm_spin_unlock_irqrestore(l, flags) do {			\
	rmm_spin_unlock(l);						\
	rmm_local_irq_restore(flags);					\
} while (0)

/*
 * ---- sleeping locks with an owner (kernel: struct mutex) ----
 * Same owner field as rmm_spinlock_t, so rmm_assert_held() checks both.
 * Taking one with "interrupts off" is a bug (it may sleep).  The
 * subclass of rmm_mutex_lock_nested() only matters to lockdep.
 */
typedef struct {
	pthread_mutex_t lock;
	_Atomic(void *) owner;
} rmm_mutex_t;

static inline void rmm_mutex_init(rmm_mutex_t *l)
{
	pthread_mutex_init(&l->lock, NULL);
	atomic_store_explicit(&l->owner, NULL, memory_order_relaxed);
}

static inline void rmm_mutex_destroy(rmm_mutex_t *l)
{
	RMM_BUG_ON(atomic_load_explicit(&l->owner, memory_order_relaxed));
	pthread_mutex_destroy(&l->lock);
}

static inline void rmm_mutex_lock(rmm_mutex_t *l)
{
	RMM_BUG_ON(rmm_port_irq_depth);		/* might sleep */
	RMM_BUG_ON(atomic_load_explicit(&l->owner, memory_order_relaxed) ==
		   &rmm_port_self);		/* recursive: self-deadlock */
	pthread_mutex_lock(&l->lock);
	atomic_store_explicit(&l->owner, &rmm_port_self, memory_order_relaxed);
}

/* true: taken (never blocks; reclaim's locks) */
/* held by anyone (a hint, as the kernel's mutex_is_locked()) */
static inline bool rmm_mutex_is_locked(rmm_mutex_t *l)
{
	return atomic_load_explicit(&l->owner, memory_order_relaxed) != NULL;
}

static inline bool rmm_mutex_trylock(rmm_mutex_t *l)
{
	if (pthread_mutex_trylock(&l->lock))
		return false;
	atomic_store_explicit(&l->owner, &rmm_port_self, memory_order_relaxed);
	return true;
}

#define rmm_mutex_lock_nested(l, subclass) rmm_mutex_lock(l)
/* several locks of one class, all taken under @outer (lockdep only) */
#define rmm_mutex_lock_nest_lock(l, outer) rmm_mutex_lock(l)

static inline void rmm_mutex_unlock(rmm_mutex_t *l)
{
	RMM_BUG_ON(atomic_load_explicit(&l->owner, memory_order_relaxed) !=
		   &rmm_port_self);
	atomic_store_explicit(&l->owner, NULL, memory_order_relaxed);
	pthread_mutex_unlock(&l->lock);
}

#define rmm_assert_held(l)						\
	RMM_BUG_ON(atomic_load_explicit(&(l)->owner, memory_order_relaxed) != \
		   &rmm_port_self)
#define rmm_assert_irqs_disabled() RMM_BUG_ON(rmm_port_irq_depth <= 0)

/* ---- atomics ---- */
typedef struct {
	atomic_long v;
} rmm_atomic_long_t;

static inline long rmm_atomic_long_read(const rmm_atomic_long_t *a)
{
	return atomic_load_explicit(&((rmm_atomic_long_t *)a)->v,
				    memory_order_relaxed);
}

static inline void rmm_atomic_long_set(rmm_atomic_long_t *a, long v)
{
	atomic_store_explicit(&a->v, v, memory_order_relaxed);
}

static inline void rmm_atomic_long_add(long v, rmm_atomic_long_t *a)
{
	atomic_fetch_add_explicit(&a->v, v, memory_order_relaxed);
}

static inline void rmm_atomic_long_sub(long v, rmm_atomic_long_t *a)
{
	atomic_fetch_sub_explicit(&a->v, v, memory_order_relaxed);
}

#define rmm_atomic_long_inc(a) rmm_atomic_long_add(1, a)
#define rmm_atomic_long_dec(a) rmm_atomic_long_sub(1, a)

/* add 1 unless the value is 0; true if it was added */
static inline bool rmm_atomic_long_inc_not_zero(rmm_atomic_long_t *a)
{
	long v = atomic_load_explicit(&a->v, memory_order_relaxed);

	do {
		if (!v)
			return false;
	} while (!atomic_compare_exchange_weak(&a->v, &v, v + 1));
	return true;
}

static inline bool rmm_atomic_long_dec_and_test(rmm_atomic_long_t *a)
{
	return atomic_fetch_sub(&a->v, 1) == 1;	/* full barrier, as the kernel's */
}

/* ---- memory for metadata, misc ---- */
/*
 * Fault injection and leak accounting for host tests:
 *  rmm_port_fail_nth: when set to N > 0, the N-th rmm_kvzalloc() from then
 *    on returns NULL (counting down to 0, one failure, then off again);
 *  rmm_port_kv_live: rmm_kvzalloc() blocks not yet given to rmm_kvfree();
 *  rmm_port_kv_failed: failures injected so far.
 */
extern atomic_long rmm_port_fail_nth;
extern atomic_long rmm_port_kv_live;
extern atomic_long rmm_port_kv_failed;

static inline void *rmm_kvzalloc(size_t size)
{
	void *p;

	if (unlikely(atomic_load_explicit(&rmm_port_fail_nth,
					  memory_order_relaxed) > 0) &&
	    atomic_fetch_sub(&rmm_port_fail_nth, 1) == 1) {
		atomic_fetch_add(&rmm_port_kv_failed, 1);
		return NULL;
	}
	p = calloc(1, size ? size : 1);
	if (p)
		atomic_fetch_add_explicit(&rmm_port_kv_live, 1,
					  memory_order_relaxed);
	return p;
}

static inline void rmm_kvfree(const void *p)
{
	if (p)
		atomic_fetch_sub_explicit(&rmm_port_kv_live, 1,
					  memory_order_relaxed);
	free((void *)p);
}

/* copy one page's contents (kernel: copy_page()) */
static inline void rmm_copy_page(void *to, const void *from)
{
	memcpy(to, from, 4096);
}

static inline void rmm_cond_resched(void)
{
}

/* a fatal signal is pending for the current task (never, here) */
static inline bool rmm_fatal_signal_pending(void)
{
	return false;
}

static inline void rmm_might_sleep(void)
{
	/* sleeping with "interrupts off" is a bug in the kernel too */
	RMM_BUG_ON(rmm_port_irq_depth);
}

/*
 * The task's block plug: only its nesting depth, per thread, which a
 * host test's fake swap device reads (rmm_port_io_plugged()) to see that
 * writes are started under one.
 */
extern __thread int rmm_port_io_plug_depth;
struct rmm_io_plug {
	char unused;
};

static inline void rmm_io_plug_start(struct rmm_io_plug *plug)
{
	(void)plug;
	rmm_port_io_plug_depth++;
}

static inline void rmm_io_plug_finish(struct rmm_io_plug *plug)
{
	(void)plug;
	RMM_BUG_ON(rmm_port_io_plug_depth <= 0);
	rmm_port_io_plug_depth--;
}

static inline bool rmm_port_io_plugged(void)
{
	return rmm_port_io_plug_depth > 0;
}

/* a jiffy is a millisecond here */
static inline void rmm_schedule_timeout_uninterruptible(long jiffies)
{
	struct timespec ts = { .tv_nsec = jiffies * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * ---- test injection points ----
 * rmm_inject(point, arg) calls rmm_port_inject_hook when a test set it:
 * the test plays "another CPU" at a place the core names (RMM_INJECT_*
 * in page_alloc.h), deterministically.
 */
extern void (*rmm_port_inject_hook)(int point, void *arg);
#define rmm_inject(point, arg) do {					\
	if (unlikely(rmm_port_inject_hook))				\
		rmm_port_inject_hook(point, arg);			\
} while (0)

/* ---- small math helpers the kernel has ---- */
static inline unsigned long rmm_int_sqrt(unsigned long x)
{
	unsigned long b, m, y = 0;

	if (x <= 1)
		return x;
	m = 1UL << ((63 - __builtin_clzl(x)) & ~1UL);
	while (m != 0) {
		b = y + m;
		y >>= 1;
		if (x >= b) {
			x -= b;
			y += m;
		}
		m >>= 2;
	}
	return y;
}

/* bit scans, 1-based as the kernel's fls()/fls64()/__ffs64() + 1: 0 if none */
#define rmm_fls(x)	((x) ? 32 - __builtin_clz(x) : 0)
#define rmm_fls64(x)	((x) ? 64 - __builtin_clzll(x) : 0)
#define rmm_ffs64(x)	__builtin_ffsll(x)
#define rmm_popcount64(x) __builtin_popcountll(x)

#endif /* _RMM_PORT_USER_H */
