// SPDX-License-Identifier: GPL-2.0
/*
 * rmm-swap: swapon/swapoff for regionmm's swap devices (RMM_IOC_SWAPON,
 * RMM_IOC_SWAPOFF on /dev/regionmm; Documentation/swap.rst).
 *
 *   rmm-swap on PATH [-p PRIO]   put PATH (prepared with mkswap) on
 *   rmm-swap off PATH            bring its pages back and release it
 *   rmm-swap list                /proc/regionmm/swaps
 *
 * Exit status: 0, 1 when the kernel refused (its reason is in the kernel
 * log: "regionmm: swapon PATH: ..."), 2 for a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/regionmm.h>

static int usage(void)
{
	fprintf(stderr,
		"usage: rmm-swap on PATH [-p PRIO]\n"
		"       rmm-swap off PATH\n"
		"       rmm-swap list\n");
	return 2;
}

static int list(void)
{
	char buf[4096];
	size_t n;
	FILE *f = fopen("/proc/regionmm/swaps", "r");

	if (!f) {
		fprintf(stderr, "rmm-swap: /proc/regionmm/swaps: %s\n",
			strerror(errno));
		return 1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd, *path;
	int fd, ret;

	if (argc < 2)
		return usage();
	cmd = argv[1];
	if (!strcmp(cmd, "list"))
		return argc == 2 ? list() : usage();
	if (argc < 3)
		return usage();
	path = argv[2];
	fd = open("/dev/regionmm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "rmm-swap: /dev/regionmm: %s\n",
			strerror(errno));
		return 1;
	}
	if (!strcmp(cmd, "on")) {
		struct rmm_ioc_swapon a = { .path = (uintptr_t)path };

		if (argc == 5 && !strcmp(argv[3], "-p")) {
			char *end;
			long p = strtol(argv[4], &end, 10);

			if (*end || end == argv[4])
				return usage();
			a.prio = (int)p;
			a.flags = RMM_IOC_SWAP_PREFER;
		} else if (argc != 3) {
			return usage();
		}
		ret = ioctl(fd, RMM_IOC_SWAPON, &a);
	} else if (!strcmp(cmd, "off") && argc == 3) {
		struct rmm_ioc_swapoff a = { .path = (uintptr_t)path };

		ret = ioctl(fd, RMM_IOC_SWAPOFF, &a);
	} else {
		return usage();
	}
	if (ret) {
		fprintf(stderr, "rmm-swap: %s %s: %s (the kernel log says why)\n",
			cmd, path, strerror(errno));
		return 1;
	}
	close(fd);
	return 0;
}
