/* rd-worker.h: short-lived work on reused threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _RdWorkGroup RdWorkGroup;

void         rd_worker_run        (GFunc        func,
                                   gpointer     data);

RdWorkGroup *rd_work_group_new    (void);
void         rd_work_group_run    (RdWorkGroup *group,
                                   GFunc        func,
                                   gpointer     data);
void         rd_work_group_wait   (RdWorkGroup *group);
void         rd_work_group_free   (RdWorkGroup *group);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RdWorkGroup, rd_work_group_free)

G_END_DECLS
