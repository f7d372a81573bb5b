// SPDX-License-Identifier: GPL-2.0
/*
 * rmm_drain - give every CPU's per-CPU (and sparse) lists back to the
 * buddy with RMM_IOC_DRAIN, so that /proc/regionmm/zoneinfo "pages free"
 * counts every free page (the sparse lists are not shown there).
 *
 *   rmm_drain        exit status 0 on success
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/regionmm.h>

int main(void)
{
	int fd = open("/dev/regionmm", O_RDWR);

	if (fd < 0) {
		perror("open /dev/regionmm");
		return 2;
	}
	if (ioctl(fd, RMM_IOC_DRAIN)) {
		perror("RMM_IOC_DRAIN");
		return 1;
	}
	close(fd);
	return 0;
}
