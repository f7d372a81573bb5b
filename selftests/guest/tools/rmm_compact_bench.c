// SPDX-License-Identifier: GPL-2.0
/*
 * rmm_compact_bench - one side of the compaction benchmarks and of
 * `scripts/compare-zones --workload compaction` (Documentation/bench.rst):
 * fragments a side's free memory with movable user pages, then either
 * times compact_memory or waits while scripts/bench-guest.sh makes order-9
 * allocations that only direct compaction can serve.
 *
 *   rmm_compact_bench rmm|kernel -m MIB [-c] [-w PATH]
 *     rmm     anonymous memory on regionmm: RMM_MEMFD_PRIVATE objects of
 *             /dev/regionmm mapped MAP_SHARED, the fds closed (what rmm-run
 *             gives a program); /proc/regionmm/{vmstat,buddyinfo} and
 *             /proc/sys/regionmm/compact_memory
 *     kernel  the kernel's anonymous memory (MAP_PRIVATE | MAP_ANONYMOUS,
 *             MADV_NOHUGEPAGE: 4 KiB pages on both sides); /proc/vmstat,
 *             /proc/buddyinfo and /proc/sys/vm/compact_memory
 *     -m MIB  memory touched: two mappings of MIB / 2 whose pages are
 *             written alternately (page i of the first, page i of the
 *             second, ...), so that they interleave in physical memory;
 *             the second is then unmapped, leaving every other page free
 *     -c      then write 1 to the side's compact_memory and print
 *             "INFO compact_memory SIDE ns_per_page=X ms=T migrated=N
 *             scanned=S big_before=B big_after=A" (ns per page migrated;
 *             B and A: permille of the side's free memory, in buddyinfo,
 *             that is in blocks of order >= 9)
 *     -w PATH then create PATH.ready and wait until PATH.go exists
 *
 * Before exiting it reads back every page of the first mapping; a wrong
 * word prints "ERROR compact ..." and exits 1.  Exit 2 on setup errors.
 * "INFO compact frag SIDE for=compact_memory|order9 held=P freed=Q
 * big=B" reports the churn (B as above, after it).
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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/regionmm.h>
#include "rmm_side.h"

/*
 * permille of the free pages in buddyinfo (every node and zone) that are
 * in blocks of order >= 9; -1 when the file cannot be read
 */
static long big_permille(void)
{
	const char *path = rmm_side ? "/proc/regionmm/buddyinfo" :
				      "/proc/buddyinfo";
	unsigned long long tot = 0, big = 0;
	char line[512];
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* "Node 0, zone   Normal   n0 n1 ... n10" */
		char *p = strstr(line, "zone");
		unsigned long long n;
		int order = 0, used;

		if (!p)
			continue;
		p += 4;
		while (*p == ' ')
			p++;
		while (*p && *p != ' ')	/* the zone name */
			p++;
		while (sscanf(p, " %llu%n", &n, &used) == 1) {
			tot += n << order;
			if (order >= 9)
				big += n << order;
			order++;
			p += used;
		}
	}
	fclose(f);
	return tot ? (long)(big * 1000 / tot) : 0;
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

static int usage(void)
{
	fprintf(stderr, "usage: rmm_compact_bench rmm|kernel -m MIB [-c] [-w PATH]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *side, *wait_path = NULL;
	size_t mib = 0, pages, bad = 0;
	uint64_t *a, *b;
	int opt, dev = -1, compact = 0;

	if (argc < 2)
		return usage();
	side = argv[1];
	if (!strcmp(side, "rmm"))
		rmm_side = 1;
	else if (strcmp(side, "kernel"))
		return usage();
	optind = 2;
	while ((opt = getopt(argc, argv, "m:cw:")) != -1) {
		switch (opt) {
		case 'm':
			mib = strtoul(optarg, NULL, 0);
			break;
		case 'c':
			compact = 1;
			break;
		case 'w':
			wait_path = optarg;
			break;
		default:
			return usage();
		}
	}
	if (mib < 2)
		return usage();
	pages = (mib << 20) / 2 / PG;
	if (rmm_side) {
		dev = open("/dev/regionmm", O_RDWR | O_CLOEXEC);
		if (dev < 0) {
			printf("ERROR compact open /dev/regionmm: %s\n",
			       strerror(errno));
			return 2;
		}
	}
	a = map(dev, pages * PG);
	b = map(dev, pages * PG);
	if (a == MAP_FAILED || b == MAP_FAILED) {
		printf("ERROR compact %s: cannot map 2 x %zu pages: %s\n", side,
		       pages, strerror(errno));
		return 2;
	}
	for (size_t i = 0; i < pages; i++) {
		a[i * (PG / 8)] = word(i, 1);
		b[i * (PG / 8)] = word(i, 2);
	}
	munmap(b, pages * PG);
	printf("INFO compact frag %s for=%s held=%zu freed=%zu big=%ld\n",
	       side, compact ? "compact_memory" : "order9", pages, pages,
	       big_permille());
	fflush(stdout);

	if (compact) {
		const char *cm = rmm_side ? "/proc/sys/regionmm/compact_memory" :
					    "/proc/sys/vm/compact_memory";
		long long m0, m1, s0, s1;
		long before = big_permille(), after;
		unsigned long long t0, t1;
		int err;

		m0 = vmstat("pgmigrate_success");
		s0 = vmstat("compact_migrate_scanned");
		t0 = now_ns();
		err = write_str(cm, "1");
		t1 = now_ns();
		m1 = vmstat("pgmigrate_success");
		s1 = vmstat("compact_migrate_scanned");
		after = big_permille();
		if (err) {
			printf("ERROR compact %s: write 1 to %s: %s\n", side, cm,
			       strerror(-err));
			return 2;
		}
		printf("INFO compact_memory %s ns_per_page=%.1f ms=%.1f migrated=%lld scanned=%lld big_before=%ld big_after=%ld\n",
		       side, m1 > m0 ? (double)(t1 - t0) / (m1 - m0) : 0.0,
		       (t1 - t0) / 1e6, m1 - m0, s1 - s0, before, after);
		fflush(stdout);
	}
	if (wait_path) {
		char ready[4096], go[4096];
		struct stat st;
		int fd;

		snprintf(ready, sizeof(ready), "%s.ready", wait_path);
		snprintf(go, sizeof(go), "%s.go", wait_path);
		fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0) {
			printf("ERROR compact create %s: %s\n", ready,
			       strerror(errno));
			return 2;
		}
		close(fd);
		while (stat(go, &st))
			usleep(100000);
	}
	for (size_t i = 0; i < pages; i++)
		bad += ((volatile uint64_t *)a)[i * (PG / 8)] != word(i, 1);
	if (bad) {
		printf("ERROR compact %s: %zu of %zu pages read back wrong\n",
		       side, bad, pages);
		return 1;
	}
	munmap(a, pages * PG);
	return 0;
}
