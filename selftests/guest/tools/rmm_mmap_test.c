// SPDX-License-Identifier: GPL-2.0
/*
 * rmm_mmap_test - processes on regionmm memory (test_module_mmap.sh).
 *
 *   rmm_mmap_test fill PAGES SEED    one worker: a SHARED memfd and a
 *       mapping of /dev/regionmm, PAGES in all, filled with verifiable
 *       words; fork (the child sees and changes the same pages), unmap and
 *       remap, mremap, punch holes, ftruncate down (SIGBUS beyond) and up
 *       (zeros), /proc/self/mem, fstat; every word is checked after each
 *       step
 *   rmm_mmap_test cow PAGES          PRIVATE object: parent and child (and
 *       a grandchild) do not see each other's writes after fork
 *   rmm_mmap_test madvise            RMM_IOC_MADVISE on PRIVATE and SHARED
 *   rmm_mmap_test refuse WHAT        one refusal: private, devprivate,
 *       beyond, flags, pad, nid, size, falloc, grow, madvbad
 *   rmm_mmap_test hold KIND PAGES    KIND shared|private|dev|sharedfork|
 *       mapped: touch PAGES pages (sharedfork: a child maps the same
 *       shared pages; mapped: the memfd and the device are closed, only
 *       the mapping is left), print "holding PID CHILD" and wait to be
 *       killed
 *   rmm_mmap_test asuser UID GID     drop to UID with the one group GID,
 *       then: open /dev/regionmm (exit 3 when refused with EACCES/EPERM),
 *       a memfd mapped and checked, and DRAIN / ALLOC_PAGES refused with
 *       EPERM (exit 0)
 *
 * Exit status 0 when everything checked out; every failure prints a line
 * "FAIL: what" first.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/falloc.h>
#include <linux/regionmm.h>

static unsigned long psz;
static int failed;

#define FAIL(...) do {						\
	printf("FAIL: " __VA_ARGS__);				\
	printf("\n");						\
	fflush(stdout);						\
	failed = 1;						\
} while (0)

static void die(const char *what)
{
	printf("FAIL: %s: %s\n", what, strerror(errno));
	fflush(stdout);
	exit(1);
}

static int dev_open(void)
{
	int fd = open("/dev/regionmm", O_RDWR);

	if (fd < 0)
		die("open /dev/regionmm");
	return fd;
}

static int memfd(int dev, unsigned int flags, unsigned long pages)
{
	struct rmm_ioc_memfd a = {
		.flags = flags | RMM_MEMFD_CLOEXEC,
		.nid = -1,
		.size = pages * psz,
	};

	if (ioctl(dev, RMM_IOC_MEMFD, &a))
		die("RMM_IOC_MEMFD");
	return a.fd;
}

static char *map(int fd, unsigned long pages, unsigned long pgoff)
{
	char *p = mmap(NULL, pages * psz, PROT_READ | PROT_WRITE, MAP_SHARED,
		       fd, pgoff * psz);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

/* word i of page pgoff under seed */
static uint64_t word(uint64_t seed, unsigned long pgoff, unsigned long i)
{
	return seed ^ ((pgoff * (psz / 8) + i + 1) * 0x9e3779b97f4a7c15ULL);
}

static void fill(char *p, unsigned long pages, unsigned long pgoff,
		 uint64_t seed)
{
	unsigned long pg, i;

	for (pg = 0; pg < pages; pg++) {
		uint64_t *w = (uint64_t *)(p + pg * psz);

		for (i = 0; i < psz / 8; i++)
			w[i] = word(seed, pgoff + pg, i);
	}
}

/* pages whose words are not seed's (seed 0: zeros) */
static unsigned long check(char *p, unsigned long pages, unsigned long pgoff,
			   uint64_t seed)
{
	unsigned long pg, i, bad = 0;

	for (pg = 0; pg < pages; pg++) {
		uint64_t *w = (uint64_t *)(p + pg * psz);

		for (i = 0; i < psz / 8; i++)
			if (w[i] != (seed ? word(seed, pgoff + pg, i) : 0)) {
				bad++;
				break;
			}
	}
	return bad;
}

#define CHECK(p, n, off, seed, what) do {				\
	unsigned long _b = check(p, n, off, seed);			\
	if (_b)								\
		FAIL("%s: %lu of %lu pages wrong", what, _b,		\
		     (unsigned long)(n));				\
} while (0)

static sigjmp_buf bus_jmp;

static void on_bus(int sig)
{
	siglongjmp(bus_jmp, sig);
}

/* 1 when touching *p raises SIGBUS */
static int sigbus_at(volatile char *p)
{
	struct sigaction sa = { .sa_handler = on_bus }, old;
	int got = 0;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(bus_jmp, 1) == 0)
		(void)*p;
	else
		got = 1;
	sigaction(SIGBUS, &old, NULL);
	return got;
}

static int wait_child(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		die("waitpid");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- fill ---- */

static void fill_memfd(int dev, unsigned long n, uint64_t seed)
{
	int fd = memfd(dev, 0, n);
	unsigned long q = n / 4, h = n / 2;
	char *p = map(fd, n, 0), *r, *t, *ro;
	struct stat st;
	pid_t pid;
	int pfd;
	char path[64];

	fill(p, n, 0, seed);
	CHECK(p, n, 0, seed, "memfd: written words");

	/* a child maps the same pages: sees them, its writes are seen */
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		CHECK(p, n, 0, seed, "memfd: the child sees the parent's words");
		fill(p, q, 0, seed + 1);
		_exit(failed);
	}
	if (wait_child(pid))
		FAIL("memfd: child failed");
	CHECK(p, q, 0, seed + 1, "memfd: the parent sees the child's words");
	CHECK(p + q * psz, n - q, q, seed, "memfd: the rest unchanged");

	/* unmap the second quarter, map it again elsewhere */
	if (munmap(p + q * psz, (h - q) * psz))
		die("munmap");
	r = map(fd, h - q, q);
	CHECK(r, h - q, q, seed, "memfd: remapped quarter");
	CHECK(p, q, 0, seed + 1, "memfd: first quarter after the split");

	/* move the second half (mremap) into a place reserved for it */
	t = mmap(NULL, (n - h) * psz, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (t == MAP_FAILED)
		die("mmap reserve");
	t = mremap(p + h * psz, (n - h) * psz, (n - h) * psz, MREMAP_MAYMOVE |
		   MREMAP_FIXED, t);
	if (t == MAP_FAILED)
		die("mremap");
	CHECK(t, n - h, h, seed, "memfd: moved half");

	/* punch 8 whole pages and part of one: zeros there, the rest kept */
	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      h * psz, 8 * psz))
		die("fallocate punch");
	CHECK(t, 8, h, 0, "memfd: punched pages read zeros");
	CHECK(t + 8 * psz, n - h - 8, h + 8, seed, "memfd: around the hole");
	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (h + 8) * psz + 8, 16))
		die("fallocate punch partial");
	if (((uint64_t *)(t + 8 * psz))[0] != word(seed, h + 8, 0) ||
	    ((uint64_t *)(t + 8 * psz))[1] || ((uint64_t *)(t + 8 * psz))[2] ||
	    ((uint64_t *)(t + 8 * psz))[3] != word(seed, h + 8, 3))
		FAIL("memfd: a partial punch zeroes exactly its bytes");
	fill(t, 9, h, seed);

	/* fstat: size, resident pages */
	if (fstat(fd, &st))
		die("fstat");
	if (st.st_size != (off_t)(n * psz) ||
	    st.st_blocks != (blkcnt_t)(n * psz / 512))
		FAIL("memfd: fstat size %lld blocks %lld, want %lu, %lu",
		     (long long)st.st_size, (long long)st.st_blocks, n * psz,
		     n * psz / 512);

	/* /proc/self/mem goes through vm_ops->access */
	snprintf(path, sizeof(path), "/proc/self/mem");
	pfd = open(path, O_RDWR);
	if (pfd < 0)
		die("open /proc/self/mem");
	{
		uint64_t v[2], w2 = 0x1122334455667788ULL;

		if (pread(pfd, v, sizeof(v), (off_t)(uintptr_t)(t + 16)) !=
		    sizeof(v) || v[0] != word(seed, h, 2) ||
		    v[1] != word(seed, h, 3))
			FAIL("memfd: /proc/self/mem reads the page");
		if (pwrite(pfd, &w2, 8, (off_t)(uintptr_t)(t + 16)) != 8 ||
		    ((uint64_t *)t)[2] != w2)
			FAIL("memfd: /proc/self/mem writes the page");
		((uint64_t *)t)[2] = word(seed, h, 2);
		/* as GUP: not through a read-only shared mapping */
		ro = mmap(NULL, psz, PROT_READ, MAP_SHARED, fd, 0);
		if (ro == MAP_FAILED)
			die("mmap read-only");
		if (pwrite(pfd, &w2, 8, (off_t)(uintptr_t)ro) != -1 ||
		    ((uint64_t *)ro)[0] == w2)
			FAIL("memfd: /proc/self/mem wrote through a read-only shared mapping");
		munmap(ro, psz);
	}
	close(pfd);

	/* ftruncate down: SIGBUS beyond; up again: zeros */
	if (ftruncate(fd, (n - 4) * psz))
		die("ftruncate down");
	if (!sigbus_at(t + (n - h - 1) * psz))
		FAIL("memfd: access beyond the size after ftruncate gets SIGBUS");
	CHECK(t, n - h - 4, h, seed, "memfd: below the new size");
	if (ftruncate(fd, n * psz))
		die("ftruncate up");
	CHECK(t + (n - h - 4) * psz, 4, n - 4, 0,
	      "memfd: regrown pages read zeros");
	CHECK(p, q, 0, seed + 1, "memfd: first quarter at the end");
	CHECK(r, h - q, q, seed, "memfd: second quarter at the end");
	close(fd);
	/* the mappings keep the object */
	CHECK(r, h - q, q, seed, "memfd: after close, mapped");
}

static void fill_dev(unsigned long n, uint64_t seed)
{
	int dev = dev_open();
	char *p = map(dev, n, 0), *r;
	pid_t pid;

	fill(p, n, 0, seed);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		CHECK(p, n, 0, seed, "dev: the child sees the parent's words");
		fill(p, n / 2, 0, seed + 7);
		_exit(failed);
	}
	if (wait_child(pid))
		FAIL("dev: child failed");
	CHECK(p, n / 2, 0, seed + 7, "dev: the parent sees the child's words");
	/* unmapped and mapped again: the open file keeps the pages */
	if (munmap(p, n * psz))
		die("munmap dev");
	r = map(dev, n / 2, n / 2);
	CHECK(r, n / 2, n / 2, seed, "dev: remapped half");
	/* a mapping further on grows the object */
	p = map(dev, 4, n + 100);
	CHECK(p, 4, n + 100, 0, "dev: new pages beyond read zeros");
	if (ioctl(dev, RMM_IOC_VALIDATE))
		FAIL("dev: RMM_IOC_VALIDATE on the mapped file");
	close(dev);
	CHECK(r, n / 2, n / 2, seed, "dev: after close, mapped");
}

static int cmd_fill(unsigned long pages, uint64_t seed)
{
	int dev = dev_open();

	fill_memfd(dev, pages / 2, seed);
	fill_dev(pages - pages / 2, seed * 3 + 1);
	close(dev);
	if (!failed)
		printf("fill %lu pages seed %llu: ok\n", pages,
		       (unsigned long long)seed);
	return failed;
}

/* ---- cow ---- */

static void sync_write(int fd)
{
	if (write(fd, "x", 1) != 1)
		die("pipe write");
}

static void sync_read(int fd)
{
	char c;

	if (read(fd, &c, 1) != 1)
		die("pipe read");
}

static int cmd_cow(unsigned long n)
{
	int dev = dev_open(), fd = memfd(dev, RMM_MEMFD_PRIVATE, n);
	unsigned long h = n / 2;
	char *p = map(fd, n, 0);
	int to_child[2], to_parent[2];
	pid_t pid;

	fill(p, n, 0, 100);
	if (pipe(to_child) || pipe(to_parent))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		pid_t g;

		CHECK(p, n, 0, 100, "cow: the child sees the parent's words");
		sync_write(to_parent[1]);
		sync_read(to_child[0]);	/* the parent wrote its second half */
		CHECK(p + h * psz, n - h, h, 100,
		      "cow: the parent's later writes stay out of the child");
		fill(p, h, 0, 200);
		/* a grandchild gets the child's state, and its own */
		g = fork();
		if (g < 0)
			die("fork");
		if (!g) {
			CHECK(p, h, 0, 200, "cow: the grandchild sees the child's words");
			CHECK(p + h * psz, n - h, h, 100,
			      "cow: the grandchild's other half");
			fill(p, n, 0, 300);
			_exit(failed);
		}
		if (wait_child(g))
			FAIL("cow: grandchild failed");
		CHECK(p, h, 0, 200, "cow: the grandchild's writes stay out of the child");
		CHECK(p + h * psz, n - h, h, 100, "cow: the child's other half");
		sync_write(to_parent[1]);
		_exit(failed);
	}
	sync_read(to_parent[0]);
	fill(p + h * psz, n - h, h, 400);
	sync_write(to_child[1]);
	sync_read(to_parent[0]);	/* the child wrote its first half */
	CHECK(p, h, 0, 100, "cow: the child's writes stay out of the parent");
	CHECK(p + h * psz, n - h, h, 400, "cow: the parent's own writes");
	if (wait_child(pid))
		FAIL("cow: child failed");
	/* after the child is gone, its copies are gone; ours stay */
	CHECK(p, h, 0, 100, "cow: after the child exited");
	fill(p, n, 0, 500);
	CHECK(p, n, 0, 500, "cow: written again after the child exited");
	if (!failed)
		printf("cow %lu pages: ok\n", n);
	return failed;
}

/* ---- madvise ---- */

static int madv(int dev, void *start, unsigned long len, unsigned int advice,
		struct rmm_ioc_madvise *a)
{
	memset(a, 0, sizeof(*a));
	a->start = (uintptr_t)start;
	a->len = len;
	a->advice = advice;
	return ioctl(dev, RMM_IOC_MADVISE, a);
}

static int cmd_madvise(void)
{
	int dev = dev_open(), fd = memfd(dev, RMM_MEMFD_PRIVATE, 64), sfd;
	struct rmm_ioc_madvise a;
	char *p = map(fd, 64, 0), *s, *anon;
	pid_t pid;

	fill(p, 64, 0, 11);
	if (madv(dev, p + 8 * psz, 8 * psz, MADV_DONTNEED, &a))
		die("RMM_IOC_MADVISE");
	if (a.freed_pages != 8 || a.other_bytes)
		FAIL("madvise: freed %llu other %llu, want 8 0",
		     (unsigned long long)a.freed_pages,
		     (unsigned long long)a.other_bytes);
	CHECK(p + 8 * psz, 8, 8, 0, "madvise: DONTNEED pages read zeros");
	CHECK(p, 8, 0, 11, "madvise: before the range");
	CHECK(p + 16 * psz, 48, 16, 11, "madvise: after the range");

	/* a child's DONTNEED frees nothing shared and leaves the parent's */
	pid = fork();
	if (!pid) {
		if (madv(dev, p + 16 * psz, 8 * psz, MADV_DONTNEED, &a))
			die("RMM_IOC_MADVISE child");
		if (a.freed_pages)
			FAIL("madvise: the child freed %llu shared pages",
			     (unsigned long long)a.freed_pages);
		CHECK(p + 16 * psz, 8, 16, 0, "madvise: the child's range reads zeros");
		_exit(failed);
	}
	if (wait_child(pid))
		FAIL("madvise: child failed");
	CHECK(p + 16 * psz, 48, 16, 11, "madvise: the parent keeps its pages");

	/* around anonymous memory: other_bytes */
	anon = mmap(NULL, 4 * psz, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (anon == MAP_FAILED)
		die("mmap anon");
	if (madv(dev, anon, 4 * psz, MADV_DONTNEED, &a))
		die("RMM_IOC_MADVISE anon");
	if (a.other_bytes != (unsigned long long)(4 * psz) || a.freed_pages)
		FAIL("madvise: anonymous memory: other %llu freed %llu",
		     (unsigned long long)a.other_bytes,
		     (unsigned long long)a.freed_pages);

	/* SHARED: DONTNEED keeps the data, REMOVE punches */
	sfd = memfd(dev, 0, 16);
	s = map(sfd, 16, 0);
	fill(s, 16, 0, 12);
	if (madv(dev, s, 16 * psz, MADV_DONTNEED, &a) || a.freed_pages)
		FAIL("madvise: shared DONTNEED");
	CHECK(s, 16, 0, 12, "madvise: shared DONTNEED keeps the data");
	if (madv(dev, s, 4 * psz, MADV_REMOVE, &a) || a.freed_pages != 4)
		FAIL("madvise: shared REMOVE freed %llu, want 4",
		     (unsigned long long)a.freed_pages);
	CHECK(s, 4, 0, 0, "madvise: shared REMOVE reads zeros");
	CHECK(s + 4 * psz, 12, 4, 12, "madvise: shared REMOVE, the rest");
	if (!failed)
		printf("madvise: ok\n");
	return failed;
}

/* ---- refusals ---- */

static int expect_err(const char *what, int ret, int err)
{
	if (ret != -1 || errno != err) {
		FAIL("%s: returned %d errno %d (%s), want %s", what, ret, errno,
		     strerror(errno), strerror(err));
		return 1;
	}
	printf("%s: %s\n", what, strerror(err));
	return 0;
}

static int ioc_memfd(int dev, unsigned int flags, int nid, uint64_t size,
		     unsigned int pad)
{
	struct rmm_ioc_memfd a = {
		.flags = flags, .nid = nid, .size = size, .pad = pad,
	};

	return ioctl(dev, RMM_IOC_MEMFD, &a);
}

static int cmd_refuse(const char *what)
{
	int dev = dev_open(), fd;
	struct rmm_ioc_madvise a;
	void *p;

	if (!strcmp(what, "private")) {
		fd = memfd(dev, 0, 4);
		p = mmap(NULL, 4 * psz, PROT_READ | PROT_WRITE, MAP_PRIVATE,
			 fd, 0);
		if (p != MAP_FAILED)
			return expect_err("MAP_PRIVATE of a memfd", 0, EINVAL);
		return expect_err("MAP_PRIVATE of a memfd", -1, EINVAL);
	}
	if (!strcmp(what, "devprivate")) {
		p = mmap(NULL, 4 * psz, PROT_READ, MAP_PRIVATE, dev, 0);
		return expect_err("MAP_PRIVATE of /dev/regionmm",
				  p == MAP_FAILED ? -1 : 0, EINVAL);
	}
	if (!strcmp(what, "beyond")) {
		char *m;

		fd = memfd(dev, 0, 2);
		m = map(fd, 4, 0);
		m[0] = 1;
		m[psz] = 2;
		if (!sigbus_at(m + 2 * psz) || !sigbus_at(m + 3 * psz)) {
			FAIL("access beyond the size did not raise SIGBUS");
			return 1;
		}
		printf("access beyond the size: SIGBUS\n");
		return 0;
	}
	if (!strcmp(what, "flags"))
		return expect_err("RMM_IOC_MEMFD flags 0x80",
				  ioc_memfd(dev, 0x80, -1, 0, 0), EINVAL);
	if (!strcmp(what, "pad"))
		return expect_err("RMM_IOC_MEMFD pad 1",
				  ioc_memfd(dev, 0, -1, 0, 1), EINVAL);
	if (!strcmp(what, "nid"))
		return expect_err("RMM_IOC_MEMFD nid 64",
				  ioc_memfd(dev, 0, 64, 0, 0), EINVAL);
	if (!strcmp(what, "size"))
		return expect_err("RMM_IOC_MEMFD size 100",
				  ioc_memfd(dev, 0, -1, 100, 0), EINVAL);
	if (!strcmp(what, "falloc")) {
		fd = memfd(dev, 0, 4);
		return expect_err("fallocate without PUNCH_HOLE",
				  fallocate(fd, 0, 0, psz), EOPNOTSUPP);
	}
	if (!strcmp(what, "grow")) {
		char *m;

		fd = memfd(dev, 0, 8);
		m = map(fd, 4, 0);
		p = mremap(m, 4 * psz, 8 * psz, 0);
		if (p != MAP_FAILED) {
			FAIL("mremap grew a regionmm mapping");
			return 1;
		}
		printf("mremap grow: %s\n", strerror(errno));
		return 0;
	}
	if (!strcmp(what, "madvbad")) {
		char *m;

		fd = memfd(dev, 0, 4);
		m = map(fd, 4, 0);
		if (expect_err("RMM_IOC_MADVISE advice MADV_WILLNEED",
			       madv(dev, m, psz, MADV_WILLNEED, &a), EINVAL))
			return 1;
		return expect_err("RMM_IOC_MADVISE unaligned start",
				  madv(dev, m + 1, psz, MADV_DONTNEED, &a),
				  EINVAL);
	}
	FAIL("unknown refusal %s", what);
	return 1;
}

/* ---- hold ---- */

static int cmd_hold(const char *kind, unsigned long n)
{
	int dev = dev_open(), fd = -1;
	char *p;
	pid_t child = 0;

	if (!strcmp(kind, "dev")) {
		p = map(dev, n, 0);
	} else {
		fd = memfd(dev, !strcmp(kind, "private") ? RMM_MEMFD_PRIVATE :
			   0, n);
		p = map(fd, n, 0);
	}
	fill(p, n, 0, 42);
	if (!strcmp(kind, "mapped")) {
		/* only the mapping is left to hold the object */
		close(fd);
		close(dev);
	}
	if (!strcmp(kind, "sharedfork")) {
		child = fork();
		if (!child) {
			/* the child touches the same pages through its map */
			if (check(p, n, 0, 42))
				FAIL("hold: the child's view");
			for (;;)
				pause();
		}
	}
	printf("holding %d %d\n", getpid(), child);
	fflush(stdout);
	for (;;)
		pause();
	return 0;
}

/* ---- asuser ---- */

static int cmd_asuser(uid_t uid, gid_t gid)
{
	struct rmm_ioc_alloc al = { .nid = -1, .zone_limit = -1 };
	int dev, fd;
	char *p;

	if (setgroups(1, &gid) || setgid(gid) || setuid(uid))
		die("drop privileges");
	dev = open("/dev/regionmm", O_RDWR);
	if (dev < 0) {
		printf("open /dev/regionmm as %u:%u: %s\n", uid, gid,
		       strerror(errno));
		return (errno == EACCES || errno == EPERM) ? 3 : 1;
	}
	fd = memfd(dev, 0, 8);
	p = map(fd, 8, 0);
	fill(p, 8, 0, 9);
	CHECK(p, 8, 0, 9, "asuser: memfd words");
	if (ioctl(dev, RMM_IOC_DRAIN) != -1 || errno != EPERM)
		FAIL("asuser: RMM_IOC_DRAIN not refused with EPERM");
	if (ioctl(dev, RMM_IOC_ALLOC_PAGES, &al) != -1 || errno != EPERM)
		FAIL("asuser: RMM_IOC_ALLOC_PAGES not refused with EPERM");
	if (!failed)
		printf("as %u:%u: memfd works, DRAIN and ALLOC_PAGES EPERM\n",
		       uid, gid);
	return failed;
}

int main(int argc, char **argv)
{
	psz = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 3 && !strcmp(argv[1], "fill"))
		return cmd_fill(strtoul(argv[2], NULL, 0),
				strtoull(argv[3], NULL, 0));
	if (argc > 2 && !strcmp(argv[1], "cow"))
		return cmd_cow(strtoul(argv[2], NULL, 0));
	if (argc > 1 && !strcmp(argv[1], "madvise"))
		return cmd_madvise();
	if (argc > 2 && !strcmp(argv[1], "refuse"))
		return cmd_refuse(argv[2]);
	if (argc > 3 && !strcmp(argv[1], "hold"))
		return cmd_hold(argv[2], strtoul(argv[3], NULL, 0));
	if (argc > 3 && !strcmp(argv[1], "asuser"))
		return cmd_asuser(strtoul(argv[2], NULL, 0),
				  strtoul(argv[3], NULL, 0));
	fprintf(stderr, "usage: rmm_mmap_test fill PAGES SEED | cow PAGES | madvise | refuse WHAT | hold KIND PAGES | asuser UID GID\n");
	return 2;
}
