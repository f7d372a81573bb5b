// SPDX-License-Identifier: GPL-2.0
/*
 * rmm_run_check - a program to run under rmm-run (or LD_PRELOAD of
 * build/rmm/librmm_preload.so): exercises every malloc-family function and
 * anonymous mmap/mremap/madvise, threads and fork, and checks that the
 * memory came from the preload's backend.  Prints TAP; exit 1 on failure.
 *
 *   rmm_run_check [TEST...]     tests: malloc threads fork mremap madvise
 *                               fixed reserve (default: all)
 *
 * "Ours" is decided from /proc/self/maps, never by asking the library:
 * with RMM_PRELOAD_BACKEND=memfd a mapping of a memfd named "rmm-anon" or
 * "rmm-shared"; otherwise a shared mapping on the device (st_dev) of a
 * regionmm memory object that this program makes itself with RMM_IOC_MEMFD.
 * Without the preload nothing is ours and the test fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/regionmm.h>

#define PG	4096UL

static int tno, nfail;
static bool memfd_backend;
static dev_t rmm_dev;
static void *volatile sink;
static volatile size_t huge = SIZE_MAX / 2;	/* not known at build time */

static void check(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tno);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		nfail++;
}

/* ours: the mapping holding @p is one of the backend's objects */
static bool ours(const void *p)
{
	uintptr_t a = (uintptr_t)p;
	char line[512];
	bool ret = false;
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		unsigned long s, e, off, ino;
		unsigned int maj, min;
		char perms[8];

		if (sscanf(line, "%lx-%lx %7s %lx %x:%x %lu", &s, &e, perms,
			   &off, &maj, &min, &ino) != 7)
			continue;
		if (a < s || a >= e)
			continue;
		if (memfd_backend)
			ret = strstr(line, "/memfd:rmm-anon") ||
			      strstr(line, "/memfd:rmm-shared");
		else
			ret = rmm_dev && perms[3] == 's' &&
			      makedev(maj, min) == rmm_dev;
		break;
	}
	fclose(f);
	return ret;
}

/* find_rmm_dev: the device number of regionmm's memory objects */
static void find_rmm_dev(void)
{
	struct rmm_ioc_memfd a = { .flags = RMM_MEMFD_CLOEXEC, .nid = -1,
				   .size = PG };
	struct stat st;
	int fd = open("/dev/regionmm", O_RDWR | O_CLOEXEC);

	if (fd < 0 || ioctl(fd, RMM_IOC_MEMFD, &a)) {
		printf("# cannot make a regionmm object: %s\n", strerror(errno));
	} else {
		if (!fstat(a.fd, &st))
			rmm_dev = st.st_dev;
		close(a.fd);
	}
	if (fd >= 0)
		close(fd);
}

static void fill(void *p, size_t n, unsigned int seed)
{
	unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		c[i] = (unsigned char)(seed + i * 7 + (i >> 12));
}

static bool verify(const void *p, size_t n, unsigned int seed)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		if (c[i] != (unsigned char)(seed + i * 7 + (i >> 12)))
			return false;
	return true;
}

static bool all(const void *p, size_t n, unsigned char v)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		if (c[i] != v)
			return false;
	return true;
}

/* ------------------------------------------------------------- malloc */

static void test_malloc(void)
{
	static const size_t sizes[] = { 0, 1, 8, 24, 100, 4095, 4096, 10000,
					 65536, 300000, 4 << 20, 40 << 20 };
	bool ok = true, usable = true, own = true;
	void *p, *q;
	char *r;
	int err;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p = malloc(sizes[i]);
		if (!p) {
			ok = false;
			continue;
		}
		fill(p, sizes[i], i);
		ok &= verify(p, sizes[i], i);
		usable &= malloc_usable_size(p) >= sizes[i];
		memset(p, 0x5a, malloc_usable_size(p));
		own &= ours(p);
		free(p);
	}
	check(ok, "malloc of 0 B to 40 MiB holds its content");
	check(usable, "malloc_usable_size() >= the size, all of it writable");
	check(own, "malloc memory (small and large) is the backend's");
	free(NULL);

	/* calloc returns zeros even where freed memory was dirty */
	ok = true;
	for (int i = 0; i < 50; i++) {
		size_t n = 64 + i * 977;

		p = malloc(n);
		memset(p, 0xff, n);
		free(p);
		p = calloc(n / 8, 8);
		ok &= p && all(p, n / 8 * 8, 0);
		free(p);
	}
	p = calloc(3 << 20, 4);
	ok &= p && all(p, 12 << 20, 0) && ours(p);
	free(p);
	check(ok, "calloc returns zeroed memory (reused and large)");
	errno = 0;
	sink = calloc(huge, 4);
	check(!sink && errno == ENOMEM, "calloc overflow: NULL, ENOMEM");

	/* realloc keeps the content while growing and shrinking */
	ok = true;
	r = realloc(NULL, 10);
	fill(r, 10, 3);
	for (size_t n = 10, m; n < (64 << 20); n = m) {
		m = n * 3 + 1;
		r = realloc(r, m);
		ok &= r && verify(r, n, 3);
		fill(r, m, 3);
	}
	r = realloc(r, 1000);
	ok &= r && verify(r, 1000, 3);
	check(ok, "realloc up to 64 MiB and down keeps the content");
	check(realloc(r, 0) == NULL, "realloc(p, 0) frees and returns NULL");
	sink = reallocarray(NULL, huge, 4);
	check(!sink && errno == ENOMEM, "reallocarray overflow: NULL, ENOMEM");

	/* aligned allocations */
	ok = true;
	for (size_t al = 1; al <= (4 << 20); al <<= 1) {
		size_t n = al * 3 + 5;

		q = memalign(al, n);
		ok &= q && !((uintptr_t)q % al);
		if (q) {
			fill(q, n, al);
			ok &= verify(q, n, al);
		}
		free(q);
		q = aligned_alloc(al, n);
		ok &= q && !((uintptr_t)q % al);
		if (q)
			memset(q, 1, n);
		free(q);
		if (al >= sizeof(void *)) {
			q = NULL;
			ok &= !posix_memalign(&q, al, n) && q &&
			      !((uintptr_t)q % al);
			if (q)
				memset(q, 2, n);
			free(q);
		}
	}
	check(ok, "memalign, aligned_alloc, posix_memalign: 1 B to 4 MiB");
	q = memalign(24, 100);		/* glibc rounds up to 32 */
	check(q && !((uintptr_t)q % 32), "memalign(24): 32-aligned");
	free(q);
	q = (void *)1;
	err = posix_memalign(&q, 12, 100);
	check(err == EINVAL && q == (void *)1,
	      "posix_memalign(12): EINVAL, *out untouched");
	errno = 0;
	sink = aligned_alloc(48, 96);
	check(!sink && errno == EINVAL, "aligned_alloc(48): NULL, EINVAL");

	p = valloc(5000);
	q = pvalloc(5000);
	check(p && q && !((uintptr_t)p % PG) && !((uintptr_t)q % PG) &&
	      malloc_usable_size(q) >= 2 * PG,
	      "valloc and pvalloc are page aligned, pvalloc rounds up");
	memset(p, 3, 5000);
	memset(q, 4, 2 * PG);
	free(p);
	free(q);
	check(malloc_usable_size(NULL) == 0, "malloc_usable_size(NULL) == 0");
}

/* ------------------------------------------------------------ threads */

#define NTHREADS	4
#define SLOTS		64
static _Atomic(uint64_t *) mailbox[256];
static atomic_int thread_bad;

static void *worker(void *arg)
{
	unsigned int tid = (uintptr_t)arg, seed = tid * 7919 + 1;
	uint64_t *slot[SLOTS] = { 0 };
	size_t len[SLOTS] = { 0 };

	for (int it = 0; it < 20000; it++) {
		int s = rand_r(&seed) % SLOTS;
		uint64_t *p, *m;

		if (slot[s]) {
			for (size_t i = 0; i < len[s]; i++)
				if (slot[s][i] != ((uint64_t)tid << 32 | i))
					atomic_fetch_add(&thread_bad, 1);
			/* pass it to whoever looks at the mailbox next */
			m = atomic_exchange(&mailbox[rand_r(&seed) % 256],
					    slot[s]);
			if (m) {
				if (m[0] >> 32 >= NTHREADS)
					atomic_fetch_add(&thread_bad, 1);
				free(m);
			}
			slot[s] = NULL;
		}
		len[s] = 1 + rand_r(&seed) % (it % 97 ? 512 : 65536);
		p = (it & 1) ? malloc(len[s] * 8) : calloc(len[s], 8);
		if (!p) {
			atomic_fetch_add(&thread_bad, 1);
			continue;
		}
		for (size_t i = 0; i < len[s]; i++)
			p[i] = (uint64_t)tid << 32 | i;
		slot[s] = p;
	}
	for (int s = 0; s < SLOTS; s++)
		free(slot[s]);
	return NULL;
}

static void test_threads(void)
{
	pthread_t t[NTHREADS];
	void *p;

	for (unsigned long i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 256; i++)
		free(atomic_exchange(&mailbox[i], NULL));
	check(!thread_bad, "%d threads: 80000 allocations, frees across "
	      "threads, no corruption (%d bad)", NTHREADS, thread_bad);
	p = malloc(1 << 20);
	check(p && ours(p), "after the threads malloc is still the backend's");
	free(p);
}

/* --------------------------------------------------------------- fork */

static void test_fork(void)
{
	const size_t n = 256 << 10;
	char *priv = mmap(NULL, n, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *shr = mmap(NULL, n, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char *heap = malloc(n);
	int p2c[2], c2p[2], st = -1;
	char c = 0;
	pid_t pid;

	check(priv != MAP_FAILED && ours(priv),
	      "private anonymous mmap is the backend's");
	check(shr != MAP_FAILED && ours(shr),
	      "shared anonymous mmap is the backend's");
	if (priv == MAP_FAILED || shr == MAP_FAILED || !heap ||
	    pipe(p2c) || pipe(c2p))
		return;
	memset(priv, 'P', n);
	memset(heap, 'H', n);
	memset(shr, 'S', n);
	fflush(stdout);
	pid = fork();
	if (!pid) {
		int bad = 0;

		if (read(p2c[0], &c, 1) != 1)	/* parent has written */
			_exit(100);
		bad |= !all(priv, n, 'P') << 0;
		bad |= !all(heap, n, 'H') << 1;
		bad |= !(ours(priv) && ours(heap)) << 2;
		memset(priv, 'C', n);
		memset(heap, 'C', n);
		memset(shr, 'X', n);
		bad |= !all(priv, n, 'C') << 3;
		if (write(c2p[1], "c", 1) != 1)
			_exit(101);
		_exit(bad);
	}
	memset(priv, 'Q', n);
	memset(heap, 'Q', n);
	if (write(p2c[1], "p", 1) != 1 || read(c2p[0], &c, 1) != 1)
		printf("# pipe to the child failed\n");
	waitpid(pid, &st, 0);
	check(WIFEXITED(st) && !(WEXITSTATUS(st) & 3),
	      "fork: the child does not see the parent's later writes "
	      "(exit %d)", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	check(WIFEXITED(st) && !(WEXITSTATUS(st) & 12),
	      "fork: the child's memory is still the backend's, writable");
	check(all(priv, n, 'Q') && all(heap, n, 'Q'),
	      "fork: the parent does not see the child's writes");
	check(all(shr, n, 'X'), "fork: shared anonymous memory is shared");
	munmap(priv, n);
	munmap(shr, n);
	free(heap);
	close(p2c[0]);
	close(p2c[1]);
	close(c2p[0]);
	close(c2p[1]);
}

/* ------------------------------------------------------------- mremap */

static void test_mremap(void)
{
	const size_t a = 64 << 10, b = 16 << 20;
	char *p = mmap(NULL, a, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *q, *r;

	fill(p, a, 11);
	q = mremap(p, a, b, MREMAP_MAYMOVE);
	check(q != MAP_FAILED && verify(q, a, 11) && all(q + a, b - a, 0),
	      "mremap growth 64 KiB -> 16 MiB keeps the content, zero tail");
	if (q == MAP_FAILED)
		return;
	memset(q + a, 9, b - a);
	check(ours(q) && ours(q + b - 1), "the grown mapping is the backend's");
	r = mremap(q, b, a, 0);
	check(r == q && verify(r, a, 11), "mremap shrink in place");

	/* in place: room behind it made by unmapping a tail */
	p = mmap(NULL, 8 * a, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fill(p, a, 12);
	munmap(p + a, 7 * a);
	q = mremap(p, a, 4 * a, 0);
	check(q == p && verify(q, a, 12) && all(q + a, 3 * a, 0),
	      "mremap growth in place (no MREMAP_MAYMOVE)");
	if (q != MAP_FAILED)
		memset(q, 1, 4 * a);
	/* and that grown range grows again, moving */
	r = mremap(q, 4 * a, 64 * a, MREMAP_MAYMOVE);
	check(r != MAP_FAILED && all(r, 4 * a, 1) && ours(r),
	      "a range grown in place grows again, moved");
	if (r != MAP_FAILED)
		munmap(r, 64 * a);
	else
		munmap(q == MAP_FAILED ? p : q, q == MAP_FAILED ? a : 4 * a);
}

/* ------------------------------------------------------------ madvise */

static void test_madvise(void)
{
	const size_t n = 1 << 20;
	char *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	memset(p, 0x77, n);
	check(!madvise(p + n / 4, n / 2, MADV_DONTNEED) &&
	      all(p + n / 4, n / 2, 0) && all(p, n / 4, 0x77) &&
	      all(p + 3 * n / 4, n / 4, 0x77),
	      "MADV_DONTNEED: the range reads zeros, the rest is kept");
	memset(p, 0x66, n);
	check(!madvise(p, n, MADV_FREE), "MADV_FREE on backend memory: 0");
	p[0] = 1;
	check(p[0] == 1, "writable after MADV_FREE");
	check(madvise(p + 1, PG, MADV_DONTNEED) && errno == EINVAL,
	      "MADV_DONTNEED at an unaligned address: EINVAL");
	munmap(p, n);
}

/* -------------------------------------------------------------- fixed */

static void test_fixed(void)
{
	const size_t n = 16 * PG;
	char *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *q;

	memset(p, 'A', n);
	q = mmap(p + 4 * PG, 4 * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	check(q == p + 4 * PG && all(q, 4 * PG, 0) && all(p, 4 * PG, 'A') &&
	      all(p + 8 * PG, 8 * PG, 'A'),
	      "MAP_FIXED over a part: new zeros there, the rest kept");
	check(ours(q), "the MAP_FIXED part is the backend's");
	q = mmap(p, PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	check(q == MAP_FAILED && errno == EEXIST && all(p, PG, 'A'),
	      "MAP_FIXED_NOREPLACE over a mapping: EEXIST, content kept");
	munmap(p, n);
}

/* ------------------------------------------------------------ reserve */

static void test_reserve(void)
{
	const size_t n = 64 << 20;
	char *p = mmap(NULL, n, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	check(p != MAP_FAILED && ours(p),
	      "a PROT_NONE MAP_NORESERVE reservation is the backend's");
	check(!mprotect(p + n / 2, 1 << 20, PROT_READ | PROT_WRITE),
	      "mprotect of a part of it to read-write");
	memset(p + n / 2, 5, 1 << 20);
	check(all(p + n / 2, 1 << 20, 5), "that part holds its content");
	munmap(p, n);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{ "malloc", test_malloc }, { "threads", test_threads },
		{ "fork", test_fork }, { "mremap", test_mremap },
		{ "madvise", test_madvise }, { "fixed", test_fixed },
		{ "reserve", test_reserve },
	};
	const char *b = getenv("RMM_PRELOAD_BACKEND");

	setvbuf(stdout, NULL, _IOLBF, 0);
	memfd_backend = b && !strcmp(b, "memfd");
	if (!memfd_backend)
		find_rmm_dev();
	printf("TAP version 13\n# backend: %s\n", memfd_backend ? "memfd" :
	       "regionmm");
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		bool want = argc < 2;

		for (int a = 1; a < argc; a++)
			want |= !strcmp(argv[a], tests[i].name);
		if (want) {
			printf("# ---- %s\n", tests[i].name);
			tests[i].fn();
		}
	}
	printf("1..%d\n", tno);
	return nfail ? 1 : 0;
}
