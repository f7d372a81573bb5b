/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rmm_port.h - the only header src/core/ code includes for platform
 * services.  It selects the kernel port (src/port/kernel/port.h) when built
 * into regionmm.ko and the user-space port (src/port/user/port.h) when the
 * same core files are built into host tests and benchmarks.
 *
 * Both ports provide the same small vocabulary (see either port.h):
 *   types      u8..u64, s8..s64, bool, size_t, uintptr_t
 *   idioms     likely/unlikely, READ_ONCE/WRITE_ONCE, min/max/min_t/max_t,
 *              clamp, ARRAY_SIZE, container_of, DIV_ROUND_UP, ALIGN, BIT,
 *              barrier, __printf, strscpy, RMM_L1_CACHE_BYTES
 *   locks      rmm_spinlock_t: rmm_spin_lock_init/lock/unlock/trylock,
 *              rmm_spin_lock_irqsave/unlock_irqrestore, rmm_assert_held()
 *              rmm_mutex_t (sleeping): rmm_mutex_init/destroy/lock/unlock/
 *              trylock,
 *              rmm_mutex_lock_nested/_nest_lock (lockdep classes)
 *   per-CPU    rmm_local_irq_save/restore (protects this CPU's data),
 *              rmm_get_cpu/rmm_put_cpu (preemption off),
 *              rmm_smp_processor_id, rmm_port_nr_cpu_ids,
 *              rmm_on_each_cpu(fn, info) (fn runs on every possible CPU
 *              with that CPU's interrupts off, like an IPI)
 *   atomics    rmm_atomic_long_t: read/set/add/sub/inc/dec/dec_and_test/
 *              inc_not_zero
 *   logging    rmm_pr_err/warn/info/debug, rmm_pr_warn_ratelimited,
 *              RMM_WARN_ON(_ONCE), RMM_BUG_ON
 *   memory     rmm_kvzalloc/rmm_kvfree (small metadata only),
 *              rmm_copy_page(to, from) (one page's contents)
 *   sleeping   rmm_might_sleep, rmm_cond_resched, rmm_fatal_signal_pending,
 *              rmm_schedule_timeout_uninterruptible
 *   I/O        struct rmm_io_plug: rmm_io_plug_start/finish (the task's
 *              block plug: writes started in between reach the device
 *              together; nests as blk_start_plug() does)
 *   remote     rmm_remote_call (an asynchronous call on another CPU)
 *   math       rmm_int_sqrt, rmm_fls, rmm_fls64, rmm_ffs64, rmm_popcount64
 *   export     RMM_EXPORT(sym), RMM_HOST_WEAK (a host test may define
 *              the function itself)
 *   tests      rmm_inject(point, arg) (injection points; nothing in the
 *              module)
 * NUMA is not the port's: the glue or the test tells the core which
 * regionmm node each CPU is nearest through rmm_layout.cpu_to_node[]
 * (rmm_cpu_to_node() in page_alloc.h).
 */
#ifndef _RMM_PORT_H
#define _RMM_PORT_H

#ifdef __KERNEL__
#include "../port/kernel/port.h"
#else
#include "../port/user/port.h"
#endif

#endif /* _RMM_PORT_H */
