// SPDX-License-Identifier: GPL-2.0
/*
 * rmm_test_leak - a module whose init leaks memory on purpose.
 *
 * Used by the guest runner's self-tests (selftests/vm/) on the debug kernel:
 * kmemleak must report the objects and scripts/vm-run must fail the run.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/slab.h>

#define RMM_LEAKS 16

static noinline void rmm_test_leak_one(int i)
{
	char *p = kmalloc(256, GFP_KERNEL);

	if (p)
		memset(p, i, 256);	/* no pointer survives this function */
}

static int __init rmm_test_leak_init(void)
{
	int i;

	for (i = 0; i < RMM_LEAKS; i++)
		rmm_test_leak_one(i);
	pr_info("rmm_test_leak: leaked %d objects of 256 bytes\n", RMM_LEAKS);
	return 0;
}

static void __exit rmm_test_leak_exit(void)
{
}

module_init(rmm_test_leak_init);
module_exit(rmm_test_leak_exit);
MODULE_DESCRIPTION("regionmm runner self-test: leaks memory for kmemleak");
MODULE_LICENSE("GPL");
