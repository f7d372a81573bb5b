// SPDX-License-Identifier: GPL-2.0
/*
 * rmm_swap_bench - one side of the swapout_reclaim and swapin_fault
 * benchmarks (Documentation/bench.rst); scripts/bench-guest.sh runs it on
 * regionmm and on the kernel, each with its own swap on the same disk, and
 * turns the runs into BENCH lines.
 *
 *   rmm_swap_bench rmm|kernel [-a MIB] [-b MIB] [-r RUN]
 *     rmm     anonymous memory on regionmm: a RMM_MEMFD_PRIVATE object of
 *             /dev/regionmm mapped MAP_SHARED, the fd closed (what rmm-run
 *             gives a program); counters from /proc/regionmm/vmstat
 *     kernel  the kernel's anonymous memory (MAP_PRIVATE | MAP_ANONYMOUS,
 *             MADV_NOHUGEPAGE: 4 KiB pages on both sides); /proc/vmstat
 *     -a MIB  the cold mapping, written first (default 32)
 *     -b MIB  the bulk mapping written after it, which pushes the cold one
 *             out: a+b must exceed the side's free memory (default 64)
 *     -r RUN  the run number printed in the result line (bench-guest.sh:
 *             0 is the warm-up, which does not count)
 *
 * swapout: write one word per page of the cold mapping, then time the
 * writes to the bulk one; the side's reclaim (its kswapd, direct reclaim
 * when that falls behind) swaps cold pages out meanwhile. ns per page
 * swapped out = that time / the pswpout delta over it.
 * swapin: unmap the bulk mapping (memory is free again), then time a
 * sequential read of one word per page of the cold mapping: every page
 * that went out faults and is read back. ns per page read = that time /
 * the pswpin delta (the kernel's swap readahead reads neighbours with
 * the faulting page: they count as read).
 *
 * Prints "INFO swap SIDE run R pswpout=N swapout_ns=X pswpin=M
 * swapin_ns=Y ..." (a delta of 0 prints ns 0: nothing went out or came
 * back; the pgsteal_* deltas over the bulk writes and the pgmajfault delta
 * over the read follow, 0 when the side has no such counter).  Every word
 * read back is checked: when one is wrong, "ERROR swap ..." instead of the
 * INFO line (the run does not count) and exit 1.  Exit 2 on setup errors
 * ("SKIP swap ..." when regionmm cannot make an object).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/regionmm.h>
#include "rmm_side.h"

static void fill(uint64_t *p, size_t pages, unsigned int m)
{
	for (size_t i = 0; i < pages; i++)
		p[i * (PG / 8)] = word(i, m);
}

static int usage(void)
{
	fprintf(stderr, "usage: rmm_swap_bench rmm|kernel [-a MIB] [-b MIB] [-r RUN]\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long long t0, t1, out_ns, in_ns;
	long long out0, out1, in0, in1, kswapd, direct, majflt;
	size_t cold = 32, bulk = 64, cp, bp, bad = 0;
	uint64_t *a, *b;
	int opt, run = 0, dev = -1;
	const char *side;

	if (argc < 2)
		return usage();
	side = argv[1];
	if (!strcmp(side, "rmm"))
		rmm_side = 1;
	else if (strcmp(side, "kernel"))
		return usage();
	optind = 2;
	while ((opt = getopt(argc, argv, "a:b:r:")) != -1) {
		switch (opt) {
		case 'a':
			cold = strtoul(optarg, NULL, 0);
			break;
		case 'b':
			bulk = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			run = atoi(optarg);
			break;
		default:
			return usage();
		}
	}
	if (!cold || !bulk)
		return usage();
	cp = (cold << 20) / PG;
	bp = (bulk << 20) / PG;
	if (vmstat("pswpout") < 0 || vmstat("pswpin") < 0) {
		printf("SKIP swap %s has no pswpout/pswpin counters\n", side);
		return 2;
	}
	if (rmm_side) {
		dev = open("/dev/regionmm", O_RDWR | O_CLOEXEC);
		if (dev < 0) {
			printf("SKIP swap open /dev/regionmm: %s\n",
			       strerror(errno));
			return 2;
		}
	}
	a = map(dev, cold << 20);
	b = map(dev, bulk << 20);
	if (a == MAP_FAILED || b == MAP_FAILED) {
		printf("SKIP swap %s: cannot map %zu + %zu MiB: %s\n", side,
		       cold, bulk, strerror(errno));
		return 2;
	}
	fill(a, cp, 1);

	/* swapout: the bulk writes push the cold pages out */
	kswapd = vmstat("pgsteal_kswapd");
	direct = vmstat("pgsteal_direct");
	out0 = vmstat("pswpout");
	t0 = now_ns();
	fill(b, bp, 2);
	t1 = now_ns();
	out1 = vmstat("pswpout");
	kswapd = vmstat("pgsteal_kswapd") - kswapd;
	direct = vmstat("pgsteal_direct") - direct;
	out_ns = t1 - t0;

	/* room again; let the reclaim worker go back to sleep */
	munmap(b, bulk << 20);
	usleep(200000);

	/* swapin: a sequential read of the cold mapping */
	majflt = vmstat("pgmajfault");
	in0 = vmstat("pswpin");
	t0 = now_ns();
	for (size_t i = 0; i < cp; i++)
		bad += ((volatile uint64_t *)a)[i * (PG / 8)] != word(i, 1);
	t1 = now_ns();
	in1 = vmstat("pswpin");
	majflt = vmstat("pgmajfault") - majflt;
	in_ns = t1 - t0;
	munmap(a, cold << 20);

	if (bad) {
		printf("ERROR swap %s run %d: %zu of %zu pages read back wrong\n",
		       side, run, bad, cp);
		return 1;
	}
	printf("INFO swap %s run %d pswpout=%lld swapout_ns=%.1f pswpin=%lld swapin_ns=%.1f cold_pages=%zu bulk_pages=%zu bulk_ms=%.1f read_ms=%.1f pgsteal_kswapd=%lld pgsteal_direct=%lld pgmajfault=%lld\n",
	       side, run, out1 - out0,
	       out1 > out0 ? (double)out_ns / (out1 - out0) : 0.0,
	       in1 - in0, in1 > in0 ? (double)in_ns / (in1 - in0) : 0.0,
	       cp, bp, out_ns / 1e6, in_ns / 1e6, kswapd, direct, majflt);
	return 0;
}
