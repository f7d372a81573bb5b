// SPDX-License-Identifier: GPL-2.0
/*
 * slab_ctl - drives the slab ioctls of /dev/regionmm for the guest tests
 * (selftests/guest/test_slab*.sh).  Built on the host, runs in the guest.
 *
 *   slab_ctl info                      drain pcp lists, print free pages
 *   slab_ctl validate                  RMM_IOC_SLAB_VALIDATE
 *   slab_ctl basic SIZE ALIGN FLAGS N  create, alloc N, fill each object
 *                                      completely, validate (aligned, no
 *                                      overlap), free, shrink, destroy
 *   slab_ctl kmalloc                   every kmalloc class + large sizes
 *   slab_ctl double-free               free one object of a debug cache twice
 *   slab_ctl redzone                   write one byte past an object, free it
 *   slab_ctl wrong-cache               free an object into another cache
 *   slab_ctl badargs                   every bad argument gets -EINVAL/-EBUSY,
 *                                      the 257th cache of a file -ENOSPC
 *   slab_ctl stress ITERS SEED         random alloc/free/shrink on 3 caches
 *                                      and kmalloc, validated at the end
 *   slab_ctl hold N [SECS]             allocate, sleep, exit without freeing
 * FLAGS: any of h (HWCACHE_ALIGN) r (RECLAIM_ACCOUNT) z (RED_ZONE)
 * p (POISON) u (STORE_USER) d (DEBUG), or "-".
 * Exit status 0 when everything behaved as expected; messages on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/regionmm.h>

static int fd;
static int errors;

#define FAIL(...) do {							\
	fprintf(stderr, "slab_ctl: " __VA_ARGS__);			\
	fputc('\n', stderr);						\
	errors++;							\
} while (0)

static int ioc(unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

static unsigned int parse_flags(const char *s)
{
	unsigned int f = 0;

	for (; *s; s++) {
		switch (*s) {
		case 'h':
			f |= RMM_IOC_SLAB_HWCACHE_ALIGN;
			break;
		case 'r':
			f |= RMM_IOC_SLAB_RECLAIM_ACCOUNT;
			break;
		case 'z':
			f |= RMM_IOC_SLAB_RED_ZONE;
			break;
		case 'p':
			f |= RMM_IOC_SLAB_POISON;
			break;
		case 'u':
			f |= RMM_IOC_SLAB_STORE_USER;
			break;
		case 'd':
			f |= RMM_IOC_SLAB_DEBUG;
			break;
		case '-':
			break;
		default:
			fprintf(stderr, "slab_ctl: unknown flag %c\n", *s);
			exit(2);
		}
	}
	return f;
}

static __u64 create(const char *name, unsigned int size, unsigned int align,
		    unsigned int flags)
{
	struct rmm_ioc_cache_create a;
	int ret;

	memset(&a, 0, sizeof(a));
	snprintf(a.name, sizeof(a.name), "%s", name);
	a.size = size;
	a.align = align;
	a.flags = flags;
	ret = ioc(RMM_IOC_CACHE_CREATE, &a);
	if (ret) {
		FAIL("CACHE_CREATE %s size %u align %u flags %#x: %s", name,
		     size, align, flags, strerror(-ret));
		exit(1);
	}
	return a.cache_handle;
}

static __u64 alloc_objs(__u64 c, unsigned int n)
{
	struct rmm_ioc_cache_alloc a = { .cache_handle = c, .count = n };
	int ret = ioc(RMM_IOC_CACHE_ALLOC, &a);

	if (ret) {
		FAIL("CACHE_ALLOC %u: %s", n, strerror(-ret));
		exit(1);
	}
	return a.first_obj_handle;
}

static int free_obj(__u64 c, __u64 o)
{
	struct rmm_ioc_cache_free a = { .cache_handle = c, .obj_handle = o };

	return ioc(RMM_IOC_CACHE_FREE, &a);
}

static int obj_write(__u64 c, __u64 o, unsigned int off, unsigned int len,
		     unsigned int byte)
{
	struct rmm_ioc_obj_write a = {
		.cache_handle = c, .obj_handle = o, .offset = off,
		.len = len, .byte = byte,
	};

	return ioc(RMM_IOC_OBJ_WRITE, &a);
}

static int destroy(__u64 c)
{
	struct rmm_ioc_cache a = { .cache_handle = c };

	return ioc(RMM_IOC_CACHE_DESTROY, &a);
}

static int shrink(__u64 c)
{
	struct rmm_ioc_cache a = { .cache_handle = c };

	return ioctl(fd, RMM_IOC_CACHE_SHRINK, &a) < 0 ? -errno :
		0;
}

static void validate(const char *when)
{
	int ret = ioc(RMM_IOC_SLAB_VALIDATE, NULL);

	if (ret)
		FAIL("SLAB_VALIDATE %s: %s", when, strerror(-ret));
}

static void expect(int got, int want, const char *what)
{
	if (got != want)
		FAIL("%s: got %d (%s), expected %d", what, got,
		     got ? strerror(-got) : "success", want);
}

static int cmd_info(void)
{
	struct rmm_ioc_info i;

	memset(&i, 0, sizeof(i));
	if (ioc(RMM_IOC_DRAIN, NULL) || ioc(RMM_IOC_INFO, &i))
		return 1;
	printf("free_pages %llu managed_pages %llu\n",
	       (unsigned long long)i.free_pages,
	       (unsigned long long)i.managed_pages);
	return 0;
}

static int cmd_basic(unsigned int size, unsigned int align,
		     unsigned int flags, unsigned int n)
{
	__u64 c = create("slabctl-basic", size, align, flags), o;
	unsigned int i;

	o = alloc_objs(c, n);
	for (i = 0; i < n; i++)
		expect(obj_write(c, o + i, 0, size, i & 0xff), 0, "OBJ_WRITE whole object");
	validate("with live objects");
	expect(destroy(c), -EBUSY, "DESTROY with live objects");
	for (i = 0; i < n; i++)
		expect(free_obj(c, o + i), 0, "CACHE_FREE");
	validate("after free");
	if (shrink(c) < 0)
		FAIL("CACHE_SHRINK failed");
	expect(destroy(c), 0, "DESTROY");
	return errors != 0;
}

static int cmd_kmalloc(void)
{
	static const __u64 sizes[] = {
		1, 8, 9, 16, 32, 64, 65, 96, 100, 128, 150, 192, 200, 256,
		512, 1000, 2048, 4096, 5000, 8192, 8193, 16384, 100000, 1 << 20,
	};
	__u64 h[sizeof(sizes) / sizeof(sizes[0])];
	unsigned int i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct rmm_ioc_kmalloc a = { .size = sizes[i] };

		expect(ioc(RMM_IOC_KMALLOC, &a), 0, "KMALLOC");
		h[i] = a.obj_handle;
	}
	validate("kmalloc objects");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct rmm_ioc_kfree a = { .obj_handle = h[i] };

		expect(ioc(RMM_IOC_KFREE, &a), 0, "KFREE");
	}
	return errors != 0;
}

static int cmd_double_free(void)
{
	__u64 c = create("slabctl-dfree", 128, 0, RMM_IOC_SLAB_RED_ZONE |
			 RMM_IOC_SLAB_POISON | RMM_IOC_SLAB_DEBUG), o;

	o = alloc_objs(c, 2);
	expect(free_obj(c, o), 0, "first free");
	/* reaches the allocator, which reports and refuses it */
	expect(free_obj(c, o), 0, "second free (reported, refused)");
	expect(free_obj(c, o), -EINVAL, "third free (handle gone)");
	validate("after double free");
	expect(free_obj(c, o + 1), 0, "free the other");
	expect(destroy(c), 0, "DESTROY");
	return errors != 0;
}

static int cmd_redzone(void)
{
	__u64 c = create("slabctl-redzone", 100, 0, RMM_IOC_SLAB_RED_ZONE),
	      n = create("slabctl-plain", 100, 0, 0), o, p;

	o = alloc_objs(c, 1);
	p = alloc_objs(n, 1);
	expect(obj_write(n, p, 100, 1, 0x42), -EINVAL,
	       "write past the end of a plain cache's object");
	expect(obj_write(c, o, 0, 100, 0x11), 0, "write the whole object");
	expect(obj_write(c, o, 100, 1, 0x42), 0,
	       "write 1 byte past the end (RED_ZONE cache)");
	expect(obj_write(c, o, 100, 4096, 0x42), -EINVAL,
	       "write far past the red zone");
	expect(free_obj(c, o), 0, "free (reported, quarantined)");
	validate("after red zone report");
	expect(free_obj(n, p), 0, "free plain");
	expect(destroy(c), 0, "DESTROY releases the quarantined object");
	expect(destroy(n), 0, "DESTROY plain");
	return errors != 0;
}

static int cmd_wrong_cache(void)
{
	__u64 a = create("slabctl-wc-a", 64, 0, RMM_IOC_SLAB_DEBUG),
	      b = create("slabctl-wc-b", 64, 0, RMM_IOC_SLAB_DEBUG),
	      p = create("slabctl-wc-plain", 64, 0, 0), o;

	o = alloc_objs(a, 1);
	expect(free_obj(b, o), 0, "free into the wrong debug cache (reported, refused)");
	expect(free_obj(p, o), -EINVAL, "free into the wrong plain cache: -EINVAL");
	validate("after wrong-cache free");
	expect(free_obj(a, o), 0, "free into the right cache");
	expect(destroy(a), 0, "DESTROY a");
	expect(destroy(b), 0, "DESTROY b");
	expect(destroy(p), 0, "DESTROY plain");
	return errors != 0;
}

/* one file holds at most RMM_IOC_FILE_MAX_CACHES caches, then -ENOSPC */
static int cache_limit(void)
{
	static __u64 h[RMM_IOC_FILE_MAX_CACHES];
	struct rmm_ioc_cache_create cc;
	unsigned int n;
	int ret = 0;

	for (n = 0; n <= RMM_IOC_FILE_MAX_CACHES; n++) {
		memset(&cc, 0, sizeof(cc));
		snprintf(cc.name, sizeof(cc.name), "slabctl-lim%u", n);
		cc.size = 32;
		ret = ioc(RMM_IOC_CACHE_CREATE, &cc);
		if (ret || n == RMM_IOC_FILE_MAX_CACHES)
			break;
		h[n] = cc.cache_handle;
	}
	expect(n == RMM_IOC_FILE_MAX_CACHES ? ret : 1, -ENOSPC,
	       "cache beyond RMM_IOC_FILE_MAX_CACHES: -ENOSPC");
	while (n-- > 0)
		expect(destroy(h[n]), 0, "destroy of a limit-test cache");
	return errors != 0;
}

static int cmd_badargs(void)
{
	struct rmm_ioc_cache_create cc;
	struct rmm_ioc_cache_alloc ca;
	struct rmm_ioc_kmalloc km;
	struct rmm_ioc_kfree kf;
	__u64 c, o;

	memset(&cc, 0, sizeof(cc));
	strcpy(cc.name, "bad");
	cc.size = 64;
	cc.flags = 1U << 20;
	expect(ioc(RMM_IOC_CACHE_CREATE, &cc), -EINVAL, "unknown cache flag");
	cc.flags = 0;
	cc.pad = 1;
	expect(ioc(RMM_IOC_CACHE_CREATE, &cc), -EINVAL, "pad != 0");
	cc.pad = 0;
	memset(cc.name, 'x', sizeof(cc.name));
	expect(ioc(RMM_IOC_CACHE_CREATE, &cc), -EINVAL, "name not terminated");
	strcpy(cc.name, "with space");
	expect(ioc(RMM_IOC_CACHE_CREATE, &cc), -EINVAL, "name with a space");
	strcpy(cc.name, "bad");
	cc.size = 0;
	expect(ioc(RMM_IOC_CACHE_CREATE, &cc), -EINVAL, "size 0");
	cc.size = 64;
	cc.align = 3;
	expect(ioc(RMM_IOC_CACHE_CREATE, &cc), -EINVAL, "align 3");
	cc.align = 0;

	c = create("slabctl-bad", 64, 0, 0);
	memset(&ca, 0, sizeof(ca));
	ca.cache_handle = c + 1000;
	ca.count = 1;
	expect(ioc(RMM_IOC_CACHE_ALLOC, &ca), -EINVAL, "unknown cache handle");
	ca.cache_handle = 0;
	expect(ioc(RMM_IOC_CACHE_ALLOC, &ca), -EINVAL, "cache handle 0");
	ca.cache_handle = c;
	ca.count = 0;
	expect(ioc(RMM_IOC_CACHE_ALLOC, &ca), -EINVAL, "count 0");
	ca.count = 1 << 20;
	expect(ioc(RMM_IOC_CACHE_ALLOC, &ca), -EINVAL, "count too large");
	ca.count = 1;
	ca.pad = 7;
	expect(ioc(RMM_IOC_CACHE_ALLOC, &ca), -EINVAL, "alloc pad != 0");
	o = alloc_objs(c, 1);
	expect(free_obj(c, o + 1), -EINVAL, "unknown object handle");
	expect(free_obj(c + 5, o), -EINVAL, "free with unknown cache handle");
	expect(obj_write(c, o, 0, 65, 1), -EINVAL, "write past the end");
	expect(obj_write(c, o, 0, 0, 1), -EINVAL, "write of length 0");
	expect(obj_write(c, o, 0, 4, 0x100), -EINVAL, "byte > 0xff");
	expect(obj_write(c, o, 0xffffffff, 2, 1), -EINVAL, "offset overflow");
	expect(destroy(c), -EBUSY, "destroy with a live object");
	expect(destroy(c + 9), -EINVAL, "destroy of an unknown handle");
	memset(&km, 0, sizeof(km));
	expect(ioc(RMM_IOC_KMALLOC, &km), -EINVAL, "kmalloc(0)");
	km.size = 1ULL << 40;
	expect(ioc(RMM_IOC_KMALLOC, &km), -EINVAL, "kmalloc(1 TiB)");
	kf.obj_handle = o;
	expect(ioc(RMM_IOC_KFREE, &kf), -EINVAL, "kfree of a cache object");
	kf.obj_handle = 0;
	expect(ioc(RMM_IOC_KFREE, &kf), -EINVAL, "kfree of handle 0");
	expect(ioctl(fd, _IO(RMM_IOC_MAGIC, 0x4f), 0) < 0 && errno == ENOTTY,
	       1, "unknown slab command: -ENOTTY");
	expect(free_obj(c, o), 0, "free");
	expect(destroy(c), 0, "destroy");
	return cache_limit() || errors != 0;
}

static unsigned long long rng;

static unsigned int rnd(void)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned int)(rng >> 33);
}

#define ST_MAX	2048

static int cmd_stress(long iters, unsigned long long seed)
{
	static const unsigned int sz[3] = { 32, 200, 1500 };
	struct { __u64 cache, obj; } held[ST_MAX];
	__u64 c[3];
	int n = 0, k;
	long i;

	rng = seed;
	c[0] = create("slabctl-st32", sz[0], 0, 0);
	c[1] = create("slabctl-st200", sz[1], 0, RMM_IOC_SLAB_HWCACHE_ALIGN);
	c[2] = create("slabctl-st1500", sz[2], 0, 0);
	for (i = 0; i < iters; i++) {
		unsigned int r = rnd(), w = rnd() % 4;

		if ((r & 1) && n < ST_MAX - 16) {
			unsigned int cnt = 1 + rnd() % 16, j;

			if (w == 3) {
				struct rmm_ioc_kmalloc a = { .size = 1 + rnd() % 20000 };

				expect(ioc(RMM_IOC_KMALLOC, &a), 0, "stress KMALLOC");
				held[n].cache = 0;
				held[n++].obj = a.obj_handle;
				continue;
			}
			__u64 first = alloc_objs(c[w], cnt);

			for (j = 0; j < cnt; j++) {
				held[n].cache = c[w];
				held[n++].obj = first + j;
			}
			expect(obj_write(c[w], first, 0, sz[w], r & 0xff), 0,
			       "stress write");
		} else if (n) {
			k = rnd() % n;
			if (held[k].cache) {
				expect(free_obj(held[k].cache, held[k].obj), 0,
				       "stress free");
			} else {
				struct rmm_ioc_kfree a = { .obj_handle = held[k].obj };

				expect(ioc(RMM_IOC_KFREE, &a), 0, "stress KFREE");
			}
			held[k] = held[--n];
		}
		if ((i & 1023) == 0)
			shrink(c[rnd() % 3]);
		if ((i & 8191) == 0)
			validate("during stress");
	}
	validate("end of stress");
	/* leave half of them to the release path on close */
	for (k = 0; k < n / 2; k++)
		if (held[k].cache)
			expect(free_obj(held[k].cache, held[k].obj), 0, "final free");
	return errors != 0;
}

static int cmd_hold(unsigned int n, unsigned int secs)
{
	__u64 c = create("slabctl-hold", 512, 0, RMM_IOC_SLAB_POISON);
	struct rmm_ioc_kmalloc a = { .size = 50000 };

	alloc_objs(c, n);
	expect(ioc(RMM_IOC_KMALLOC, &a), 0, "KMALLOC");
	printf("held\n");
	fflush(stdout);
	sleep(secs);
	return errors != 0;	/* close() frees everything */
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	fd = open("/dev/regionmm", O_RDWR);
	if (fd < 0) {
		perror("slab_ctl: /dev/regionmm");
		return 1;
	}
	if (!strcmp(cmd, "info"))
		return cmd_info();
	if (!strcmp(cmd, "basic") && argc == 6)
		return cmd_basic(strtoul(argv[2], NULL, 0),
				 strtoul(argv[3], NULL, 0),
				 parse_flags(argv[4]),
				 strtoul(argv[5], NULL, 0));
	if (!strcmp(cmd, "kmalloc"))
		return cmd_kmalloc();
	if (!strcmp(cmd, "double-free"))
		return cmd_double_free();
	if (!strcmp(cmd, "redzone"))
		return cmd_redzone();
	if (!strcmp(cmd, "wrong-cache"))
		return cmd_wrong_cache();
	if (!strcmp(cmd, "badargs"))
		return cmd_badargs();
	if (!strcmp(cmd, "stress") && argc == 4)
		return cmd_stress(atol(argv[2]), strtoull(argv[3], NULL, 0));
	if (!strcmp(cmd, "hold") && (argc == 3 || argc == 4))
		return cmd_hold(strtoul(argv[2], NULL, 0),
				argc == 4 ? strtoul(argv[3], NULL, 0) : 0);
	if (!strcmp(cmd, "validate")) {
		validate("on request");
		return errors != 0;
	}
	fprintf(stderr, "usage: see the comment at the top of slab_ctl.c\n");
	return 2;
}
