/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rmm_side.h - what the side-by-side benchmark tools (rmm_swap_bench,
 * rmm_compact_bench) share: anonymous memory and vm counters of one side,
 * regionmm (rmm_side = 1: RMM_MEMFD_PRIVATE objects of /dev/regionmm,
 * /proc/regionmm/vmstat) or the kernel (MAP_PRIVATE | MAP_ANONYMOUS with
 * MADV_NOHUGEPAGE, /proc/vmstat), and the word each page carries.
 * Included by one .c file each: the definitions are static.
 */
#ifndef RMM_SIDE_H
#define RMM_SIDE_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/regionmm.h>

#define PG	4096UL

static int rmm_side;

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* a vm event counter of this side's vmstat; -1 when it has none */
static long long vmstat(const char *name)
{
	const char *path = rmm_side ? "/proc/regionmm/vmstat" : "/proc/vmstat";
	char key[64];
	long long v;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", key, &v) == 2) {
		if (!strcmp(key, name)) {
			fclose(f);
			return v;
		}
	}
	fclose(f);
	return -1;
}

static uint64_t *map(int dev, size_t len)
{
	struct rmm_ioc_memfd a = {
		.flags = RMM_MEMFD_CLOEXEC | RMM_MEMFD_PRIVATE,
		.nid = -1, .size = len };
	void *p;

	if (!rmm_side) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED)
			madvise(p, len, MADV_NOHUGEPAGE);
		return p;
	}
	if (ioctl(dev, RMM_IOC_MEMFD, &a))
		return MAP_FAILED;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, a.fd, 0);
	close(a.fd);
	return p;
}

/* the word written at the start of page @i of mapping @m */
static inline uint64_t word(unsigned long i, unsigned int m)
{
	return ((uint64_t)m << 56 | i) * 0x9e3779b97f4a7c15ULL | 1;
}

#endif /* RMM_SIDE_H */
