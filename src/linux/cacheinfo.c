// SPDX-License-Identifier: GPL-2.0
/*
 * cacheinfo.c - each CPU's share of its last-level cache, for the core's
 * PCPF_FREE_HIGH_BATCH (6.12's setup_pcp_cacheinfo(): the flag is set
 * when per_cpu_data_slice_size holds more than 3 * batch pages).
 *
 * 6.12's drivers/base/cacheinfo.c computes per_cpu_data_slice_size as the
 * size of the CPU's last cache leaf (if it is a data or unified cache)
 * divided by the number of online CPUs in that leaf's shared_cpu_map.
 * get_cpu_cacheinfo() is not exported, so this reads the same leaf from
 * CPUID as arch/x86/kernel/cpu/cacheinfo.c does (leaf 4; 0x8000001d on
 * AMD with TOPOEXT and on Hygon) and builds the same sharing set from the
 * exported cpu_data(): for Intel the APIC IDs equal above the leaf's
 * sharing order, for AMD's L3 the LLC ID (cpu_llc_shared_mask() is built
 * from it), for other AMD leaves the aligned APIC ID range.  The leaf is
 * read on the calling CPU: all CPUs are taken to have the same caches.
 * AMD without TOPOEXT has no such leaf: the kernel emulates it from the
 * legacy leaves 0x80000005/6 (amd_cpuid4()), and so does this for the
 * last one.  0 (unknown: the flag stays clear) on other architectures and
 * before 6.12 (no such flag).  Taken at load time over the CPUs online
 * then: unlike the kernel, not updated when CPUs come or go.
 *
 * Locking: none; called from module init with the CPU hotplug lock held
 * by the caller or not at all (a CPU coming online meanwhile is missed,
 * as above).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/cpumask.h>
#include <linux/version.h>
#include "rmm_glue.h"

#if defined(CONFIG_X86) && LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <asm/processor.h>
#include <asm/cpufeature.h>

#define CPUID4_TYPE(eax)	((eax) & 0x1f)	/* 0 none, 1 data, 3 unified */
#define CPUID4_SHARING(eax)	((((eax) >> 14) & 0xfff) + 1)

/* amd_cpuid4()'s ways for the legacy associativity code */
static const unsigned short amd_assocs[16] = {
	[1] = 1, [2] = 2, [4] = 4, [6] = 8, [8] = 16, [0xa] = 32, [0xb] = 48,
	[0xc] = 64, [0xd] = 96, [0xe] = 128, [0xf] = 0xffff,
};

/*
 * Size of the last leaf amd_cpuid4() emulates: L3 (leaf 3) when
 * 0x80000006 reports one, else L2 (leaf 2, its size from cpu_data); the
 * emulated registers' field widths kept, as cpuid4_cache_lookup_regs()
 * multiplies them back.  *@leaf: which one.
 */
static unsigned int amd_legacy_llc_size(const struct cpuinfo_x86 *c,
					unsigned int *leaf)
{
	unsigned int eax, ebx, l2, l3, v, assoc, line, lpt, kb, sets;

	cpuid(0x80000006, &eax, &ebx, &l2, &l3);
	if (l3) {
		v = l3;
		kb = ((l3 >> 18) & 0x3fff) * 512;
		*leaf = 3;
	} else if (l2) {
		v = l2;
		kb = c->x86_cache_size;
		*leaf = 2;
	} else {
		return 0;
	}
	assoc = amd_assocs[(v >> 12) & 0xf];
	line = v & 0xff;
	lpt = (v >> 8) & 0xf;
	if (*leaf == 3 && boot_cpu_has(X86_FEATURE_AMD_DCM)) {
		kb >>= 1;
		assoc >>= 1;
	}
	if (!assoc || !line)
		return 0;
	/* ebx: line - 1 (12 bits), lpt - 1 and ways - 1 (10 bits each) */
	sets = kb * 1024 / line / (((assoc - 1) & 0x3ff) + 1);
	return sets * (((line - 1) & 0xfff) + 1) * (((lpt - 1) & 0x3ff) + 1) *
		(((assoc - 1) & 0x3ff) + 1);
}

unsigned int rmm_cpu_data_slice_size(unsigned int cpu)
{
	const struct cpuinfo_x86 *c = &cpu_data(cpu), *o;
	unsigned int op, idx, eax, ebx, ecx, edx, last = ~0U;
	unsigned int leaf_eax = 0, leaf_ebx = 0, leaf_ecx = 0;
	unsigned int size, nshared, first, nr = 0, i;
	bool amd = c->x86_vendor == X86_VENDOR_AMD ||
		c->x86_vendor == X86_VENDOR_HYGON;

	if (c->x86_vendor == X86_VENDOR_AMD &&
	    !boot_cpu_has(X86_FEATURE_TOPOEXT)) {
		size = amd_legacy_llc_size(c, &last);
		/* L3: cpu_llc_shared_mask(); L2: one thread (no sharing) */
		for_each_online_cpu(i)
			nr += last == 3 ? cpu_data(i).topo.llc_id ==
				c->topo.llc_id : i == cpu;
		return nr ? size / nr : 0;
	}
	op = amd ? 0x8000001d : 4;
	/* find_num_cache_leaves(): leaves up to the first null one */
	for (idx = 0; idx < 16; idx++) {
		cpuid_count(op, idx, &eax, &ebx, &ecx, &edx);
		if (!CPUID4_TYPE(eax))
			break;
		last = idx;
		leaf_eax = eax;
		leaf_ebx = ebx;
		leaf_ecx = ecx;
	}
	if (last == ~0U || (CPUID4_TYPE(leaf_eax) != 1 &&
			    CPUID4_TYPE(leaf_eax) != 3))
		return 0;
	/* cpuid4_cache_lookup_regs() */
	size = (leaf_ecx + 1) * ((leaf_ebx & 0xfff) + 1) *
		(((leaf_ebx >> 12) & 0x3ff) + 1) * ((leaf_ebx >> 22) + 1);
	nshared = CPUID4_SHARING(leaf_eax);
	first = c->topo.apicid - c->topo.apicid % nshared;
	/* __cache_cpumap_setup(): the online CPUs sharing the leaf */
	for_each_online_cpu(i) {
		o = &cpu_data(i);
		if (amd && last == 3)
			nr += o->topo.llc_id == c->topo.llc_id;
		else if (amd)
			nr += o->topo.apicid >= first &&
				o->topo.apicid < first + nshared;
		else
			nr += o->topo.apicid >> get_count_order(nshared) ==
				c->topo.apicid >> get_count_order(nshared);
	}
	return nr ? size / nr : 0;
}
#else
unsigned int rmm_cpu_data_slice_size(unsigned int cpu)
{
	return 0;
}
#endif
