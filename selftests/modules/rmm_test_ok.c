// SPDX-License-Identifier: GPL-2.0
/*
 * rmm_test_ok - a module that loads and unloads cleanly.
 *
 * Used by the guest runner's self-tests (selftests/vm/) to check that a
 * module built by `make module` loads on every kernel of the matrix.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/printk.h>

static int __init rmm_test_ok_init(void)
{
	pr_info("rmm_test_ok: loaded\n");
	return 0;
}

static void __exit rmm_test_ok_exit(void)
{
	pr_info("rmm_test_ok: unloaded\n");
}

module_init(rmm_test_ok_init);
module_exit(rmm_test_ok_exit);
MODULE_DESCRIPTION("regionmm runner self-test: a module that loads cleanly");
MODULE_LICENSE("GPL");
