// SPDX-License-Identifier: GPL-2.0
/*
 * rmm_pressure - a memory-pressure workload for reclaim, swap and OOM tests
 * and for compare-zones/bench: it runs the same on regionmm (under rmm-run,
 * whose preload puts anonymous memory on regionmm) and on the kernel's own
 * memory, so both sides see one program.
 *
 *   rmm_pressure fill MIB [options]   fill MIB of anonymous memory with a
 *        pattern that names each 8-byte word, sweep it, verify every byte
 *     -P N      N processes, each with its own MIB (default 1)
 *     -H MIB    hot set: the first MIB of each process is touched on every
 *               pass, the rest (cold) once per -c passes (default 0)
 *     -p N      passes over the hot set (default 1)
 *     -c N      the cold set is swept every N passes (default: only at
 *               the start and in the final check)
 *     -f        fork after the fill: the child rewrites every second page
 *               (copy-on-write) and verifies all, the parent verifies its
 *               own copy after the child is done
 *     -u        unmap the second quarter after the fill, verify the rest
 *     -s SEED   pattern seed (default 1)
 *   rmm_pressure hog MIB [-a ADJ]    set oom_score_adj to ADJ, fill MIB,
 *        print "hog ready PID", then sleep until killed
 *
 * Output (one line per process): "pressure: pid P pages N bad B ms T".
 * Exit status 0 when every byte read back right, 1 otherwise, 2 on usage
 * or setup errors.  A process killed by a signal (the OOM killer) is
 * reported by its parent as "pressure: pid P killed by signal S" and does
 * not count as bad data.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PG	4096UL
#define WORDS	(PG / sizeof(uint64_t))

static uint64_t seed = 1;
static int nprocs = 1, passes = 1, cold_every;
static unsigned long hot_pages;
static bool do_fork, do_unmap;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* the value of word w of page p in generation g (0: fill, 1: rewritten) */
static inline uint64_t pat(unsigned long p, unsigned long w, unsigned int g)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL ^ (p << 9 | w) ^
		     (uint64_t)g << 62;

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ULL;
	return x ^ x >> 29;
}

static void fill_page(uint64_t *pg, unsigned long p, unsigned int g)
{
	unsigned long w;

	for (w = 0; w < WORDS; w++)
		pg[w] = pat(p, w, g);
}

static unsigned long check_page(const uint64_t *pg, unsigned long p,
				unsigned int g)
{
	unsigned long w, bad = 0;

	for (w = 0; w < WORDS; w++)
		if (pg[w] != pat(p, w, g))
			bad++;
	if (bad)
		fprintf(stderr, "pressure: pid %d page %lu: %lu bad words (first word %#llx, want %#llx)\n",
			getpid(), p, bad, (unsigned long long)pg[0],
			(unsigned long long)pat(p, 0, g));
	return bad;
}

static unsigned long verify(uint64_t *base, unsigned long pages,
			    const unsigned char *gen, unsigned long skip_lo,
			    unsigned long skip_hi)
{
	unsigned long p, bad = 0;

	for (p = 0; p < pages; p++) {
		if (p >= skip_lo && p < skip_hi)
			continue;
		bad += check_page(base + p * WORDS, p, gen ? gen[p] : 0);
	}
	return bad;
}

/* one process's work; returns the number of bad words */
static unsigned long run_one(unsigned long pages)
{
	unsigned long p, bad = 0, skip_lo = 0, skip_hi = 0;
	uint64_t t0 = now_ms();
	volatile uint64_t sink = 0;
	uint64_t *base;
	int pass;

	base = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED) {
		perror("pressure: mmap");
		exit(2);
	}
	for (p = 0; p < pages; p++)
		fill_page(base + p * WORDS, p, 0);
	for (pass = 1; pass <= passes; pass++) {
		unsigned long end = hot_pages < pages ? hot_pages : pages;

		if (cold_every && pass % cold_every == 0)
			end = pages;
		for (p = 0; p < end; p++)
			sink += base[p * WORDS + (pass & (WORDS - 1))];
	}
	if (do_unmap && pages >= 4) {
		skip_lo = pages / 4;
		skip_hi = pages / 2;
		if (munmap(base + skip_lo * WORDS, (skip_hi - skip_lo) * PG)) {
			perror("pressure: munmap");
			exit(2);
		}
	}
	if (do_fork) {
		pid_t c = fork();
		int st;

		if (c < 0) {
			perror("pressure: fork");
			exit(2);
		}
		if (c == 0) {
			unsigned char *gen = calloc(pages, 1);
			unsigned long cbad;

			if (!gen)
				_exit(2);
			for (p = 1; p < pages; p += 2) {
				if (p >= skip_lo && p < skip_hi)
					continue;
				fill_page(base + p * WORDS, p, 1);
				gen[p] = 1;
			}
			cbad = verify(base, pages, gen, skip_lo, skip_hi);
			printf("pressure: pid %d (child) pages %lu bad %lu\n",
			       getpid(), pages, cbad);
			fflush(stdout);
			_exit(cbad ? 1 : 0);
		}
		if (waitpid(c, &st, 0) < 0) {
			perror("pressure: waitpid");
			exit(2);
		}
		if (WIFSIGNALED(st))
			printf("pressure: pid %d killed by signal %d\n", c,
			       WTERMSIG(st));
		else if (WEXITSTATUS(st))
			bad++;
	}
	bad += verify(base, pages, NULL, skip_lo, skip_hi);
	printf("pressure: pid %d pages %lu bad %lu ms %llu\n", getpid(), pages,
	       bad, (unsigned long long)(now_ms() - t0));
	fflush(stdout);
	(void)sink;
	return bad;
}

static int hog(unsigned long pages, const char *adj)
{
	uint64_t *base;
	unsigned long p;
	FILE *f;

	if (adj) {
		f = fopen("/proc/self/oom_score_adj", "w");
		if (!f || fprintf(f, "%s\n", adj) < 0 || fclose(f)) {
			perror("pressure: oom_score_adj");
			return 2;
		}
	}
	base = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED) {
		perror("pressure: mmap");
		return 2;
	}
	for (p = 0; p < pages; p++)
		fill_page(base + p * WORDS, p, 0);
	printf("hog ready %d\n", getpid());
	fflush(stdout);
	for (;;)
		pause();
}

static void usage(void)
{
	fprintf(stderr, "usage: rmm_pressure fill MIB [-P N] [-H MIB] [-p N] [-c N] [-f] [-u] [-s SEED]\n"
			"       rmm_pressure hog MIB [-a ADJ]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *adj = NULL;
	unsigned long mib, pages;
	int opt, i, killed = 0, failed = 0;

	if (argc < 3)
		usage();
	mib = strtoul(argv[2], NULL, 0);
	if (!mib)
		usage();
	pages = mib << 8;
	optind = 3;
	while ((opt = getopt(argc, argv, "P:H:p:c:fus:a:")) != -1) {
		switch (opt) {
		case 'P': nprocs = atoi(optarg); break;
		case 'H': hot_pages = strtoul(optarg, NULL, 0) << 8; break;
		case 'p': passes = atoi(optarg); break;
		case 'c': cold_every = atoi(optarg); break;
		case 'f': do_fork = true; break;
		case 'u': do_unmap = true; break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'a': adj = optarg; break;
		default: usage();
		}
	}
	if (!strcmp(argv[1], "hog"))
		return hog(pages, adj);
	if (strcmp(argv[1], "fill") || nprocs < 1 || passes < 0)
		usage();
	if (nprocs == 1)
		return run_one(pages) ? 1 : 0;
	for (i = 0; i < nprocs; i++) {
		pid_t c = fork();

		if (c < 0) {
			perror("pressure: fork");
			return 2;
		}
		if (c == 0) {
			seed += i;
			_exit(run_one(pages) ? 1 : 0);
		}
	}
	for (i = 0; i < nprocs; i++) {
		int st;
		pid_t c = wait(&st);

		if (c < 0)
			break;
		if (WIFSIGNALED(st)) {
			printf("pressure: pid %d killed by signal %d\n", c,
			       WTERMSIG(st));
			killed++;
		} else if (WEXITSTATUS(st)) {
			failed++;
		}
	}
	printf("pressure: %d processes, %d killed, %d with bad data or errors\n",
	       nprocs, killed, failed);
	return failed ? 1 : 0;
}
