/* SPDX-License-Identifier: GPL-2.0 */
/*
 * validate.h - invariant checks of an instance (validate.c), for tests and
 * the debug ioctl.
 *
 * Locking: takes each zone->lock in turn (irqs off), step by step, and may
 * sleep between steps: process context only, no zone lock held.
 */
#ifndef _RMM_VALIDATE_H
#define _RMM_VALIDATE_H

#include "mmzone.h"

/* 0 if every invariant of mmzone.h holds, else reports and -EFAULT */
int rmm_validate_mm(struct rmm_mm *mm);
int rmm_validate_zone(struct rmm_zone *zone);

#endif /* _RMM_VALIDATE_H */
