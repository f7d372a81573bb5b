// SPDX-License-Identifier: GPL-2.0
/*
 * rmm_test_kasan - a module whose init reads one byte past a kmalloc object.
 *
 * Used by the guest runner's self-tests (selftests/vm/) on the debug kernel:
 * KASAN must report a slab-out-of-bounds read and scripts/vm-run must fail
 * the run. Harmless on kernels without KASAN (the byte is in the slab).
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/slab.h>

static int __init rmm_test_kasan_init(void)
{
	char *p = kmalloc(100, GFP_KERNEL);
	volatile char *q = p;
	char c;

	if (!p)
		return -ENOMEM;
	c = q[100];		/* out of bounds: KASAN reports it */
	kfree(p);
	pr_info("rmm_test_kasan: read %d past the object\n", c);
	return 0;
}

static void __exit rmm_test_kasan_exit(void)
{
}

module_init(rmm_test_kasan_init);
module_exit(rmm_test_kasan_exit);
MODULE_DESCRIPTION("regionmm runner self-test: out-of-bounds read for KASAN");
MODULE_LICENSE("GPL");
