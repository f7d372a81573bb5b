// SPDX-License-Identifier: GPL-2.0
/*
 * rmm_fault_bench - the fault_first_touch benchmark (Documentation/bench.rst):
 * the first touch (a one-byte write) of each page of a fresh mapping, in ns
 * per page, for a regionmm memory object (RMM_IOC_MEMFD, mmap MAP_SHARED)
 * against the kernel's own anonymous memory (MAP_PRIVATE | MAP_ANONYMOUS,
 * MADV_NOHUGEPAGE: one fault per 4 KiB page on both sides), in the same run.
 * Each run maps, touches every page once, and unmaps (the object's fd is
 * closed: its pages go back); the sides alternate; one warm-up run each,
 * then the median of the runs.
 *
 *   rmm_fault_bench [-m MIB] [-r RUNS] [-p]
 *     -m  mapping size (default 64 MiB)   -r  runs (default 5, max 31)
 *     -p  a RMM_MEMFD_PRIVATE object (anonymous memory as rmm-run makes it)
 *
 * Prints "BENCH fault_first_touch rmm_ns=X kernel_ns=Y ratio=X/Y" and INFO
 * lines, or "SKIP fault_first_touch WHY" (exit 0) when regionmm cannot make
 * or map an object; exit 1 on a failure of the kernel's side.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/regionmm.h>

#define PG	4096UL

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* touch: one write per page; ns per page */
static double touch(volatile char *p, size_t len)
{
	unsigned long long t0 = now_ns();

	for (size_t off = 0; off < len; off += PG)
		p[off] = 1;
	return (double)(now_ns() - t0) / (len / PG);
}

/* one run on regionmm: < 0 with errno when the object cannot be had */
static double run_rmm(int dev, size_t len, unsigned int flags)
{
	struct rmm_ioc_memfd a = { .flags = RMM_MEMFD_CLOEXEC | flags,
				   .nid = -1, .size = len };
	double ns;
	char *p;

	if (ioctl(dev, RMM_IOC_MEMFD, &a))
		return -1;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, a.fd, 0);
	close(a.fd);
	if (p == MAP_FAILED)
		return -1;
	ns = touch(p, len);
	munmap(p, len);
	return ns;
}

static double run_kernel(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double ns;

	if (p == MAP_FAILED)
		return -1;
	madvise(p, len, MADV_NOHUGEPAGE);
	ns = touch(p, len);
	munmap(p, len);
	return ns;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	double r[32], k[32];
	unsigned int flags = 0;
	size_t mib = 64;
	int runs = 5, opt, dev;

	while ((opt = getopt(argc, argv, "m:r:p")) != -1) {
		switch (opt) {
		case 'm':
			mib = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			runs = atoi(optarg);
			break;
		case 'p':
			flags = RMM_MEMFD_PRIVATE;
			break;
		default:
			fprintf(stderr, "usage: %s [-m MIB] [-r RUNS] [-p]\n",
				argv[0]);
			return 2;
		}
	}
	if (!mib || runs < 1 || runs > 31)
		return fprintf(stderr, "rmm_fault_bench: bad -m or -r\n"), 2;
	dev = open("/dev/regionmm", O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		printf("SKIP fault_first_touch open /dev/regionmm: %s\n",
		       strerror(errno));
		return 0;
	}
	/* warm-up: page tables, the allocators' per-CPU lists */
	if (run_rmm(dev, mib << 20, flags) < 0) {
		printf("SKIP fault_first_touch a %zu MiB regionmm object: %s\n",
		       mib, strerror(errno));
		return 0;
	}
	if (run_kernel(mib << 20) < 0)
		return perror("mmap"), 1;
	for (int i = 0; i < runs; i++) {
		r[i] = run_rmm(dev, mib << 20, flags);
		k[i] = run_kernel(mib << 20);
		if (r[i] < 0 || k[i] < 0) {
			printf("SKIP fault_first_touch run %d failed: %s\n", i,
			       strerror(errno));
			return 0;
		}
		printf("INFO fault_first_touch run %d rmm_ns=%.1f kernel_ns=%.1f\n",
		       i, r[i], k[i]);
	}
	qsort(r, runs, sizeof(r[0]), cmp);
	qsort(k, runs, sizeof(k[0]), cmp);
	printf("INFO fault_first_touch %zu MiB (%zu pages) a run, %s object, median of %d\n",
	       mib, (mib << 20) / PG, flags ? "private" : "shared", runs);
	printf("BENCH fault_first_touch rmm_ns=%.1f kernel_ns=%.1f ratio=%.3f\n",
	       r[runs / 2], k[runs / 2], r[runs / 2] / k[runs / 2]);
	close(dev);
	return 0;
}
