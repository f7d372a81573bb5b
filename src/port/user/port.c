// SPDX-License-Identifier: GPL-2.0
/*
 * User-space port of the regionmm core: globals and out-of-line helpers.
 * See port.h for the model of CPUs, interrupts and locks.
 */
#include <time.h>
#include "port.h"

atomic_long rmm_port_warnings;
char rmm_port_last_warning[160];
atomic_long rmm_port_fail_nth;
atomic_long rmm_port_kv_live;
atomic_long rmm_port_kv_failed;
int rmm_port_quiet;
int rmm_port_nr_cpu_ids = 1;
bool rmm_port_slot_owned;
__thread int rmm_port_cpu;
__thread int rmm_port_irq_depth;
__thread int rmm_port_io_plug_depth;
__thread char rmm_port_self;
struct rmm_port_cpu_slot rmm_port_cpu_slots[RMM_USER_MAX_CPUS];
void (*rmm_port_inject_hook)(int point, void *arg);

__attribute__((__constructor__)) static void rmm_port_init(void)
{
	int i;

	for (i = 0; i < RMM_USER_MAX_CPUS; i++)
		pthread_spin_init(&rmm_port_cpu_slots[i].lock,
				  PTHREAD_PROCESS_PRIVATE);
}

void rmm_port_set_cpu(int cpu)
{
	RMM_BUG_ON(cpu < 0 || cpu >= RMM_USER_MAX_CPUS);
	RMM_BUG_ON(rmm_port_irq_depth);
	rmm_port_cpu = cpu;
}

void rmm_port_set_nr_cpus(int nr)
{
	RMM_BUG_ON(nr < 1 || nr > RMM_USER_MAX_CPUS);
	rmm_port_nr_cpu_ids = nr;
}

void rmm_on_each_cpu(void (*fn)(void *info), void *info)
{
	int self = rmm_port_cpu, cpu;

	RMM_BUG_ON(rmm_port_irq_depth);	/* like on_each_cpu() with irqs off */
	for (cpu = 0; cpu < rmm_port_nr_cpu_ids; cpu++) {
		pthread_spin_lock(&rmm_port_cpu_slots[cpu].lock);
		rmm_port_cpu = cpu;
		rmm_port_irq_depth = 1;
		fn(info);
		rmm_port_irq_depth = 0;
		rmm_port_cpu = self;
		pthread_spin_unlock(&rmm_port_cpu_slots[cpu].lock);
	}
}

bool rmm_port_ratelimit(void)
{
	static atomic_long printed;

	return atomic_fetch_add(&printed, 1) < 10;
}

void rmm_port_warn(const char *file, int line, const char *cond)
{
	atomic_fetch_add(&rmm_port_warnings, 1);
	snprintf(rmm_port_last_warning, sizeof(rmm_port_last_warning),
		 "%s:%d: %s", file, line, cond);
	if (!rmm_port_quiet)
		fprintf(stderr, "regionmm: WARNING at %s:%d: %s\n", file, line,
			cond);
}

void rmm_port_bug(const char *file, int line, const char *cond)
{
	fprintf(stderr, "regionmm: BUG at %s:%d: %s\n", file, line, cond);
	fflush(NULL);
	abort();
}
