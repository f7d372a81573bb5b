// SPDX-License-Identifier: GPL-2.0
/*
 * rmm_preload.c - the LD_PRELOAD library of rmm-run: gives an unmodified,
 * dynamically linked program its heap and anonymous memory on regionmm.
 *
 * glibc's malloc reaches the kernel through its own internal mmap() and
 * brk(), which a preload cannot see, so this library replaces the whole
 * malloc family and forwards it to jemalloc (Debian's libjemalloc2) through
 * jemalloc's non-standard entry points (mallocx, rallocx, dallocx, sallocx):
 * those names exist only in jemalloc, so they resolve there although this
 * library comes first in the lookup order and wins malloc() itself.
 * jemalloc gets its memory through the PLT's mmap()/munmap()/madvise(),
 * which are the interposed functions below; so are the program's own calls.
 *
 * Anonymous memory
 *   mmap(MAP_PRIVATE | MAP_ANONYMOUS) -> a RMM_MEMFD_PRIVATE object of the
 *   mapping's size, mmapped MAP_SHARED (regionmm copies on write after
 *   fork()), then its fd is closed: the mapping keeps the object.
 *   mmap(MAP_SHARED | MAP_ANONYMOUS) -> a shared object (a child after
 *   fork() sees the same pages, as with the kernel's shared anonymous
 *   memory).  MAP_FIXED, MAP_FIXED_NOREPLACE, PROT_NONE reservations and
 *   MAP_NORESERVE are served too (objects are sparse).  Left to the kernel:
 *   stacks (MAP_GROWSDOWN, MAP_STACK), MAP_HUGETLB, MAP_SHARED_VALIDATE,
 *   file mappings, and whatever regionmm refuses or cannot hold (the real
 *   system call then; RMM_RUN_VERBOSE=1 says so once per reason).
 *   madvise(MADV_DONTNEED | MADV_FREE | MADV_REMOVE) -> RMM_IOC_MADVISE
 *   (the kernel's madvise() refuses PFN mappings); the parts of the range
 *   that are not regionmm's get the real madvise().
 *   mremap() growing (or moving) regionmm memory: regionmm's VMAs are
 *   VM_DONTEXPAND, so a new object is mapped behind the old one (in place)
 *   or elsewhere (MREMAP_MAYMOVE: copy, unmap the old one).  munmap() needs
 *   nothing: the kernel splits the VMA and regionmm frees the pages no
 *   mapping of the address space covers any more.
 *
 * Backends (RMM_PRELOAD_BACKEND): "rmm" (default) = /dev/regionmm; "memfd"
 * = memfd_create() objects, private ones mapped MAP_PRIVATE (the kernel
 * copies on write), for the host tests on machines without the module;
 * "off" = every call goes to the kernel (malloc still through jemalloc).
 *
 * State and safety: a few atomics (backend, device fd, counters); no lock,
 * so nothing to repair after fork() and nothing that a signal handler could
 * deadlock on.  The real calls are raw system calls (no dlsym(), which may
 * call calloc() and so recurse into an uninitialised allocator); the
 * mmap()/madvise() path calls only async-signal-safe system calls, except
 * mremap() growth and the memfd backend's MADV_FREE retry, which read
 * /proc/self/maps into a stack buffer.  jemalloc keeps its own fork
 * handlers.
 *
 * Run as a program (it has an interpreter and an entry point), the library
 * probes: it makes, maps and touches one page of an object through the
 * selected backend and exits 0, or prints one line saying why not and exits
 * 1.  rmm-run runs that before it execs the command.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/regionmm.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE	0x03
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP	4
#endif
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC		0x0001U
#endif

/* jemalloc's non-standard API (<jemalloc/jemalloc.h>, Debian's no prefix) */
void *mallocx(size_t size, int flags);
void *rallocx(void *ptr, size_t size, int flags);
void dallocx(void *ptr, int flags);
size_t sallocx(const void *ptr, int flags);
#define MALLOCX_LG_ALIGN(la)	((int)(la))
#define MALLOCX_ZERO		((int)0x40)

#define RMM_EXPORT	__attribute__((visibility("default")))
#define PAGE_SZ		4096UL

enum { BK_UNSET, BK_RMM, BK_MEMFD, BK_OFF };

/* reasons of a fallback, each said once under RMM_RUN_VERBOSE */
enum { SAY_NODEV, SAY_PERM, SAY_FULL, SAY_OTHER, SAY_MAP, SAY_NR };

static _Atomic int backend = BK_UNSET;
static _Atomic int dev_fd = -1;		/* /dev/regionmm, O_CLOEXEC */
static int rmm_node = -1;		/* RMM_RUN_NODE */
static int verbose;			/* RMM_RUN_VERBOSE */
static _Atomic int objects_made;	/* this address space has objects */
static _Atomic unsigned int obj_dev;	/* st_dev of objects (rmm backend) */
static _Atomic unsigned int said;	/* SAY_* bits already said */
static atomic_ulong nr_objects, nr_object_bytes, nr_fallbacks;

/* ---------------------------------------------------- raw system calls */

static void *real_mmap(void *addr, size_t len, int prot, int flags, int fd,
		       off_t off)
{
	return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}

static int real_munmap(void *addr, size_t len)
{
	return syscall(SYS_munmap, addr, len);
}

static int real_madvise(void *addr, size_t len, int advice)
{
	return syscall(SYS_madvise, addr, len, advice);
}

static int sys_close(int fd)
{
	int saved = errno, ret = syscall(SYS_close, fd);

	errno = saved;
	return ret;
}

static void say_str(const char *s)
{
	ssize_t r = syscall(SYS_write, 2, s, strlen(s));

	(void)r;
}

static void say_num(unsigned long v)
{
	char b[24];
	int i = sizeof(b);

	b[--i] = 0;
	do {
		b[--i] = '0' + v % 10;
		v /= 10;
	} while (v && i);
	say_str(b + i);
}

/* say_once: the first fallback of a kind, under RMM_RUN_VERBOSE */
static void say_once(int what, const char *text, int err)
{
	unsigned int bit = 1U << what;
	int saved = errno;

	if (!verbose || (atomic_fetch_or(&said, bit) & bit))
		return;
	say_str("rmm-run: ");
	say_str(text);
	if (err) {
		say_str(": ");
		say_str(strerrorname_np(err) ? strerrorname_np(err) : "error");
	}
	say_str("; this and later such mappings use the kernel's memory\n");
	errno = saved;
}

/* --------------------------------------------------------------- setup */

static int env_int(const char *name, int dflt)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (!s || !*s)
		return dflt;
	v = strtol(s, &end, 10);
	return (*end || v < INT_MIN || v > INT_MAX) ? dflt : (int)v;
}

/* init: read the environment once (idempotent, so a race is harmless) */
static int init(void)
{
	int b = atomic_load_explicit(&backend, memory_order_acquire);
	const char *s;

	if (b != BK_UNSET)
		return b;
	rmm_node = env_int("RMM_RUN_NODE", -1);
	verbose = env_int("RMM_RUN_VERBOSE", 0);
	s = getenv("RMM_PRELOAD_BACKEND");
	if (!s || !*s || !strcmp(s, "rmm"))
		b = BK_RMM;
	else if (!strcmp(s, "memfd"))
		b = BK_MEMFD;
	else
		b = BK_OFF;
	atomic_store_explicit(&backend, b, memory_order_release);
	return b;
}

/* rmm_dev: the cached /dev/regionmm fd; @stale: an fd the program closed */
static int rmm_dev(int stale)
{
	int fd = atomic_load(&dev_fd), nfd;

	if (fd >= 0 && fd != stale)
		return fd;
	nfd = syscall(SYS_openat, AT_FDCWD, "/dev/regionmm",
		      O_RDWR | O_CLOEXEC);
	if (nfd < 0)
		return -1;
	if (atomic_compare_exchange_strong(&dev_fd, &fd, nfd))
		return nfd;
	sys_close(nfd);			/* another thread won: use its fd */
	return fd;
}

/* obj_create: a new object of @len bytes; its fd, or -1 with errno */
static int obj_create(size_t len, bool shared, int b)
{
	struct stat st;
	int fd;

	if (b == BK_MEMFD) {
		fd = syscall(SYS_memfd_create, shared ? "rmm-shared" :
			     "rmm-anon", MFD_CLOEXEC);
		if (fd < 0)
			return -1;
		if (syscall(SYS_ftruncate, fd, len)) {
			int err = errno;

			sys_close(fd);
			errno = err;
			return -1;
		}
	} else {
		struct rmm_ioc_memfd a = {
			.flags = RMM_MEMFD_CLOEXEC |
				 (shared ? 0 : RMM_MEMFD_PRIVATE),
			.nid = rmm_node,
			.size = len,
		};
		int dev = rmm_dev(-1);

		if (dev < 0)
			return -1;
		if (syscall(SYS_ioctl, dev, RMM_IOC_MEMFD, &a)) {
			if (errno != EBADF && errno != ENOTTY)
				return -1;
			/* the program closed our fd (and maybe reused it) */
			dev = rmm_dev(dev);
			if (dev < 0 || syscall(SYS_ioctl, dev, RMM_IOC_MEMFD, &a))
				return -1;
		}
		fd = a.fd;
	}
	if (!atomic_load_explicit(&obj_dev, memory_order_relaxed) &&
	    !syscall(SYS_fstat, fd, &st))
		atomic_store(&obj_dev, (unsigned int)st.st_dev);
	return fd;
}

static void say_create_error(int err)
{
	switch (err) {
	case ENOENT: case ENODEV: case ENXIO: case ENOTTY:
		say_once(SAY_NODEV, "no usable /dev/regionmm", err);
		break;
	case EACCES: case EPERM:
		say_once(SAY_PERM, "/dev/regionmm refused", err);
		break;
	case ENOMEM: case ENOSPC: case EFBIG:
		say_once(SAY_FULL, "regionmm cannot hold an object", err);
		break;
	default:
		say_once(SAY_OTHER, "making a regionmm object failed", err);
	}
}

/*
 * obj_map: map a new object over [addr, addr + len) (@flags: the placement
 * flags kept from the caller).  NULL when the kernel's memory must be used
 * instead; MAP_FAILED (errno set) for a failure the real call would share.
 */
static void *obj_map(void *addr, size_t len, int prot, int flags, bool shared,
		     int b)
{
	int fd, err, type;
	void *p;

	fd = obj_create(len, shared, b);
	if (fd < 0) {
		say_create_error(errno);
		return NULL;
	}
	type = (b == BK_MEMFD && !shared) ? MAP_PRIVATE : MAP_SHARED;
	p = real_mmap(addr, len, prot, type | flags, fd, 0);
	err = errno;
	sys_close(fd);
	if (p == MAP_FAILED) {
		if (err == EEXIST)	/* MAP_FIXED_NOREPLACE: taken */
			return errno = err, MAP_FAILED;
		say_once(SAY_MAP, "mapping a regionmm object failed", err);
		return NULL;
	}
	atomic_store_explicit(&objects_made, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&nr_objects, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&nr_object_bytes, len, memory_order_relaxed);
	return p;
}

#define KEEP_FLAGS	(MAP_FIXED | MAP_FIXED_NOREPLACE | MAP_POPULATE | \
			 MAP_NONBLOCK | MAP_LOCKED | MAP_32BIT | MAP_NORESERVE)

/* served: an anonymous mapping regionmm takes (the others: the kernel) */
static bool served(size_t len, int prot, int flags, off_t off)
{
	int type = flags & MAP_TYPE;

	if (!(flags & MAP_ANONYMOUS) || !len || len > SIZE_MAX - PAGE_SZ ||
	    (off & (PAGE_SZ - 1)))
		return false;
	if (flags & (MAP_GROWSDOWN | MAP_STACK | MAP_HUGETLB))
		return false;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
		return false;
	return type == MAP_PRIVATE || type == MAP_SHARED;
}

/* ---------------------------------------------------------- interposed */

RMM_EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd,
		      off_t off)
{
	int b = init(), saved = errno;

	if (b != BK_OFF && served(len, prot, flags, off)) {
		size_t size = (len + PAGE_SZ - 1) & ~(PAGE_SZ - 1);
		void *p = obj_map(addr, size, prot, flags & KEEP_FLAGS,
				  (flags & MAP_TYPE) == MAP_SHARED, b);

		if (p)
			return p;
		atomic_fetch_add_explicit(&nr_fallbacks, 1,
					  memory_order_relaxed);
		errno = saved;	/* the kernel's call sets it, or not */
	}
	return real_mmap(addr, len, prot, flags, fd, off);
}

RMM_EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd,
			off_t off) __attribute__((alias("mmap")));

/*
 * One line of /proc/self/maps: [start, end), protection, shared, device,
 * and whether the path names one of our memfd backend's objects.
 */
struct maps_line {
	uintptr_t start, end;
	int prot;
	bool shared, memfd_anon, memfd_shared;
	unsigned int dev;
};

static const char *hex(const char *s, unsigned long *v)
{
	*v = 0;
	for (;; s++) {
		int c = *s, d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else
			return s;
		*v = *v << 4 | d;
	}
}

/* parse_line: "start-end rwxp offset maj:min inode   path" */
static bool parse_line(const char *s, struct maps_line *m)
{
	unsigned long a, b, maj, min;
	const char *p;

	s = hex(s, &a);
	if (*s != '-')
		return false;
	s = hex(s + 1, &b);
	if (*s != ' ' || strlen(s) < 6)
		return false;
	m->start = a;
	m->end = b;
	m->prot = (s[1] == 'r' ? PROT_READ : 0) | (s[2] == 'w' ? PROT_WRITE : 0) |
		  (s[3] == 'x' ? PROT_EXEC : 0);
	m->shared = s[4] == 's';
	s = strchr(s + 5, ' ');			/* offset */
	if (!s)
		return false;
	s = hex(s + 1, &a);
	s = hex(s + 1, &maj);			/* " maj:min" */
	if (*s != ':')
		return false;
	s = hex(s + 1, &min);
	m->dev = makedev(maj, min);
	p = strchr(s, '/');
	m->memfd_anon = p && !strncmp(p, "/memfd:rmm-anon", 15);
	m->memfd_shared = p && !strncmp(p, "/memfd:rmm-shared", 17);
	return true;
}

static bool line_ours(const struct maps_line *m, int b)
{
	if (b == BK_MEMFD)
		return m->memfd_anon || m->memfd_shared;
	return m->shared && m->dev == atomic_load(&obj_dev);
}

/*
 * range_ours: is [start, end) covered, without a gap, by our objects'
 * mappings?  Then *prot and *shared of its first mapping.  Reads
 * /proc/self/maps with raw system calls into a stack buffer (lines longer
 * than the buffer are parsed from their beginning and skipped).
 */
static bool range_ours(uintptr_t start, uintptr_t end, int b, int *prot,
		       bool *shared)
{
	char buf[8192];
	size_t have = 0;
	uintptr_t cur = start;
	bool skipping = false, first = true, ok = false;
	int fd, saved = errno;

	fd = syscall(SYS_openat, AT_FDCWD, "/proc/self/maps",
		     O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	for (;;) {
		ssize_t n = syscall(SYS_read, fd, buf + have,
				    sizeof(buf) - 1 - have);
		char *line = buf, *nl;

		if (n <= 0)
			break;
		have += n;
		buf[have] = 0;
		while ((nl = strchr(line, '\n')) ||
		       (line == buf && have == sizeof(buf) - 1)) {
			struct maps_line m;
			bool whole = nl != NULL;

			if (nl)
				*nl = 0;
			if (!skipping && parse_line(line, &m) && m.end > cur) {
				if (m.start > cur || !line_ours(&m, b))
					goto out;
				if (first) {
					*prot = m.prot;
					*shared = b == BK_MEMFD ?
						  m.memfd_shared : false;
					first = false;
				}
				cur = m.end;
				if (cur >= end) {
					ok = true;
					goto out;
				}
			}
			skipping = !whole;
			if (!whole) {
				have = 0;
				line = buf;
				break;
			}
			line = nl + 1;
		}
		if (line != buf) {
			have -= line - buf;
			memmove(buf, line, have);
		}
	}
out:
	sys_close(fd);
	errno = saved;
	return ok;
}

/*
 * rmm_madvise: RMM_IOC_MADVISE; the parts that are not regionmm's (found
 * by halving a mixed range) get the real madvise().
 */
static int rmm_madvise(uintptr_t start, size_t len, int advice)
{
	struct rmm_ioc_madvise m = {
		.start = start, .len = len, .advice = advice,
	};
	int dev = atomic_load(&dev_fd);
	size_t half;
	int r1, r2;

	if (dev < 0 || syscall(SYS_ioctl, dev, RMM_IOC_MADVISE, &m)) {
		if (dev >= 0 && errno != ENOTTY && errno != EBADF)
			return -1;
		return real_madvise((void *)start, len, advice);
	}
	if (!m.other_bytes)
		return 0;
	if (m.other_bytes >= len || len <= PAGE_SZ)
		return real_madvise((void *)start, len, advice);
	half = (len / 2) & ~(PAGE_SZ - 1);
	r1 = rmm_madvise(start, half, advice);
	r2 = rmm_madvise(start + half, len - half, advice);
	return r1 ? r1 : r2;
}

RMM_EXPORT int madvise(void *addr, size_t len, int advice)
{
	int b = init(), prot, r;
	bool shared;

	if (!atomic_load_explicit(&objects_made, memory_order_relaxed) ||
	    (advice != MADV_DONTNEED && advice != MADV_FREE &&
	     advice != MADV_REMOVE))
		return real_madvise(addr, len, advice);
	if (b == BK_RMM) {
		if (((uintptr_t)addr & (PAGE_SZ - 1)) || len > SIZE_MAX - PAGE_SZ)
			return errno = EINVAL, -1;
		if (!len)
			return 0;
		return rmm_madvise((uintptr_t)addr,
				   (len + PAGE_SZ - 1) & ~(PAGE_SZ - 1), advice);
	}
	/* memfd backend: MADV_FREE is for anonymous memory only */
	r = real_madvise(addr, len, advice);
	if (r && errno == EINVAL && advice == MADV_FREE &&
	    range_ours((uintptr_t)addr, (uintptr_t)addr + len, b, &prot,
		       &shared))
		r = real_madvise(addr, len, MADV_DONTNEED);
	return r;
}

/*
 * mremap_grow: regionmm's VMAs do not grow (VM_DONTEXPAND), nor do the
 * memfd backend's objects (past their size: SIGBUS).  Map a new object
 * behind the old mapping; else, when allowed, elsewhere (or at @dst with
 * MREMAP_FIXED), copy and unmap the old one.
 */
static void *mremap_grow(uintptr_t old, size_t old_len, size_t new_len,
			 int flags, void *dst, int prot, bool shared, int b)
{
	void *p;

	if (!(flags & MREMAP_FIXED)) {
		p = obj_map((void *)(old + old_len), new_len - old_len, prot,
			    MAP_FIXED_NOREPLACE, shared, b);
		if (!p)
			p = real_mmap((void *)(old + old_len), new_len - old_len,
				      prot, MAP_FIXED_NOREPLACE | MAP_ANONYMOUS |
				      (shared ? MAP_SHARED : MAP_PRIVATE), -1, 0);
		if (p == (void *)(old + old_len))
			return (void *)old;
		if (p != MAP_FAILED)	/* a kernel without NOREPLACE */
			real_munmap(p, new_len - old_len);
		if (!(flags & MREMAP_MAYMOVE))
			return errno = ENOMEM, MAP_FAILED;
		dst = NULL;
	}
	p = obj_map(dst, new_len, prot | PROT_READ | PROT_WRITE,
		    dst ? MAP_FIXED : 0, shared, b);
	if (!p)
		p = real_mmap(dst, new_len, prot | PROT_READ | PROT_WRITE,
			      (dst ? MAP_FIXED : 0) | MAP_ANONYMOUS |
			      (shared ? MAP_SHARED : MAP_PRIVATE), -1, 0);
	if (p == MAP_FAILED)
		return p;
	if (!(prot & PROT_READ))
		syscall(SYS_mprotect, old, old_len, prot | PROT_READ);
	memcpy(p, (void *)old, old_len);
	if (prot != (prot | PROT_READ | PROT_WRITE))
		syscall(SYS_mprotect, p, new_len, prot);
	real_munmap((void *)old, old_len);
	return p;
}

RMM_EXPORT void *mremap(void *old, size_t old_size, size_t new_size,
			int flags, ...)
{
	void *dst = NULL;
	size_t old_len, new_len;
	bool shared;
	int prot, b = init();

	if (flags & MREMAP_FIXED) {
		va_list ap;

		va_start(ap, flags);
		dst = va_arg(ap, void *);
		va_end(ap);
	}
	old_len = (old_size + PAGE_SZ - 1) & ~(PAGE_SZ - 1);
	new_len = (new_size + PAGE_SZ - 1) & ~(PAGE_SZ - 1);
	/* the kernel's checks, for what mremap_grow() would do otherwise */
	if ((flags & MREMAP_FIXED) && (!(flags & MREMAP_MAYMOVE) ||
	    ((uintptr_t)dst < (uintptr_t)old + old_len &&
	     (uintptr_t)old < (uintptr_t)dst + new_len)))
		return errno = EINVAL, MAP_FAILED;
	if (b != BK_OFF &&
	    atomic_load_explicit(&objects_made, memory_order_relaxed) &&
	    new_len > old_len && old_len && new_size <= SIZE_MAX - PAGE_SZ &&
	    !((uintptr_t)old & (PAGE_SZ - 1)) && !(flags & MREMAP_DONTUNMAP) &&
	    range_ours((uintptr_t)old, (uintptr_t)old + old_len, b, &prot,
		       &shared))
		return mremap_grow((uintptr_t)old, old_len, new_len, flags,
				   dst, prot, shared, b);
	return (void *)syscall(SYS_mremap, old, old_size, new_size, flags,
			       dst);
}

/* -------------------------------------------------------- malloc family */

RMM_EXPORT void *malloc(size_t size)
{
	void *p = mallocx(size ? size : 1, 0);

	if (!p)
		errno = ENOMEM;
	return p;
}

RMM_EXPORT void free(void *p)
{
	if (p)
		dallocx(p, 0);
}

RMM_EXPORT void cfree(void *p)
{
	free(p);
}

RMM_EXPORT void *calloc(size_t n, size_t size)
{
	size_t total;
	void *p;

	if (__builtin_mul_overflow(n, size, &total))
		return errno = ENOMEM, NULL;
	p = mallocx(total ? total : 1, MALLOCX_ZERO);
	if (!p)
		errno = ENOMEM;
	return p;
}

RMM_EXPORT void *realloc(void *old, size_t size)
{
	void *p;

	if (!old)
		return malloc(size);
	if (!size) {			/* glibc: frees, returns NULL */
		dallocx(old, 0);
		return NULL;
	}
	p = rallocx(old, size, 0);
	if (!p)
		errno = ENOMEM;
	return p;
}

RMM_EXPORT void *reallocarray(void *old, size_t n, size_t size)
{
	size_t total;

	if (__builtin_mul_overflow(n, size, &total))
		return errno = ENOMEM, NULL;
	return realloc(old, total);
}

/* aligned: @align a power of two */
static void *aligned(size_t align, size_t size)
{
	void *p;

	if (align < sizeof(void *))
		align = sizeof(void *);
	p = mallocx(size ? size : 1, MALLOCX_LG_ALIGN(__builtin_ctzl(align)));
	if (!p)
		errno = ENOMEM;
	return p;
}

RMM_EXPORT void *memalign(size_t align, size_t size)
{
	/* glibc rounds a non-power-of-two alignment up */
	if (align & (align - 1)) {
		if (align > SIZE_MAX / 2 + 1)
			return errno = EINVAL, NULL;
		align = 1UL << (64 - __builtin_clzl(align));
	}
	return aligned(align ? align : 1, size);
}

RMM_EXPORT void *aligned_alloc(size_t align, size_t size)
{
	if (!align || (align & (align - 1)))
		return errno = EINVAL, NULL;
	return aligned(align, size);
}

RMM_EXPORT int posix_memalign(void **out, size_t align, size_t size)
{
	int saved = errno;
	void *p;

	if (!align || (align & (align - 1)) || align % sizeof(void *))
		return EINVAL;
	p = aligned(align, size);
	errno = saved;
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

RMM_EXPORT void *valloc(size_t size)
{
	return aligned(PAGE_SZ, size);
}

RMM_EXPORT void *pvalloc(size_t size)
{
	if (size > SIZE_MAX - PAGE_SZ)
		return errno = ENOMEM, NULL;
	size = (size + PAGE_SZ - 1) & ~(PAGE_SZ - 1);
	return aligned(PAGE_SZ, size ? size : PAGE_SZ);
}

RMM_EXPORT size_t malloc_usable_size(void *p)
{
	return p ? sallocx(p, 0) : 0;
}

/* glibc's would look at its own (unused) arenas */
RMM_EXPORT int malloc_trim(size_t pad)
{
	(void)pad;
	return 0;
}

/* ------------------------------------------------------ probe, summary */

static int probe(void)
{
	int b = init();
	volatile char *p;
	int fd;

	if (b == BK_OFF) {
		say_str("rmm-run: RMM_PRELOAD_BACKEND is not rmm or memfd\n");
		return 1;
	}
	if (b == BK_RMM && rmm_dev(-1) < 0) {
		say_str("rmm-run: cannot open /dev/regionmm: ");
		say_str(strerrorname_np(errno) ? strerrorname_np(errno) : "?");
		say_str("\n");
		return 1;
	}
	fd = obj_create(PAGE_SZ, false, b);
	if (fd < 0) {
		int err = errno;

		say_str("rmm-run: ");
		say_str(b == BK_MEMFD ? "memfd_create" :
			"/dev/regionmm: RMM_IOC_MEMFD");
		if (rmm_node >= 0) {
			say_str(" on node ");
			say_num(rmm_node);
		}
		say_str(" failed: ");
		say_str(strerrorname_np(err) ? strerrorname_np(err) : "?");
		say_str(err == ENOTTY ? " (a regionmm without memory objects)\n" :
			"\n");
		return 1;
	}
	p = real_mmap(NULL, PAGE_SZ, PROT_READ | PROT_WRITE,
		      b == BK_MEMFD ? MAP_PRIVATE : MAP_SHARED, fd, 0);
	sys_close(fd);
	if (p == MAP_FAILED) {
		say_str("rmm-run: mmap of a regionmm object failed: ");
		say_str(strerrorname_np(errno) ? strerrorname_np(errno) : "?");
		say_str("\n");
		return 1;
	}
	p[0] = 1;
	p[PAGE_SZ - 1] = 2;
	if (p[0] != 1 || p[PAGE_SZ - 1] != 2 || p[1]) {
		say_str("rmm-run: a regionmm page does not read back\n");
		return 1;
	}
	real_munmap((void *)p, PAGE_SZ);
	return 0;
}

const char rmm_preload_interp[] __attribute__((section(".interp"))) =
	"/lib64/ld-linux-x86-64.so.2";

/* the entry point when the library is run as a program (-e) */
__attribute__((noreturn, force_align_arg_pointer, used))
void rmm_preload_main(void)
{
	_exit(probe());
}

__attribute__((constructor)) static void rmm_preload_init(void)
{
	init();
}

__attribute__((destructor)) static void rmm_preload_summary(void)
{
	if (!verbose)
		return;
	say_str("rmm-run: pid ");
	say_num(getpid());
	say_str(": ");
	say_num(atomic_load(&nr_objects));
	say_str(" objects (");
	say_num(atomic_load(&nr_object_bytes) >> 10);
	say_str(" KiB) on regionmm, ");
	say_num(atomic_load(&nr_fallbacks));
	say_str(" anonymous mappings from the kernel\n");
}
