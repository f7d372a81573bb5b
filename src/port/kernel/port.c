// SPDX-License-Identifier: GPL-2.0
/*
 * port.c - the out-of-line part of the kernel port (port.h): what needs a
 * kernel header the core must not see.  No state, no locks.
 */
#include <linux/blkdev.h>
#include <linux/build_bug.h>
#include "port.h"

/* blk_start_plug()/blk_finish_plug() on the caller's opaque space */
void rmm_io_plug_start(struct rmm_io_plug *plug)
{
	BUILD_BUG_ON(sizeof(struct blk_plug) > sizeof(plug->space));
	blk_start_plug((struct blk_plug *)plug->space);
}

void rmm_io_plug_finish(struct rmm_io_plug *plug)
{
	blk_finish_plug((struct blk_plug *)plug->space);
}
