// SPDX-License-Identifier: GPL-2.0
/*
 * rmm_test_warn - a module whose init triggers WARN_ON(1).
 *
 * Used by the guest runner's self-tests (selftests/vm/): loading it must
 * make scripts/vm-run fail even though insmod itself succeeds.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/bug.h>

static int __init rmm_test_warn_init(void)
{
	WARN_ON(1);
	return 0;
}

static void __exit rmm_test_warn_exit(void)
{
}

module_init(rmm_test_warn_init);
module_exit(rmm_test_warn_exit);
MODULE_DESCRIPTION("regionmm runner self-test: WARN_ON(1) on load");
MODULE_LICENSE("GPL");
