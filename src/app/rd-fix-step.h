/* rd-fix-step.h: one numbered step of a fix, with its command to copy
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "rd-core.h"

G_BEGIN_DECLS

#define RD_TYPE_FIX_STEP (rd_fix_step_get_type ())
G_DECLARE_FINAL_TYPE (RdFixStep, rd_fix_step, RD, FIX_STEP, GtkWidget)

GtkWidget  *rd_fix_step_new         (guint                number,
                                     const RdCatalogStep *step,
                                     RdTarget            *target);
const char *rd_fix_step_get_command (RdFixStep           *self);
gboolean    rd_fix_step_focus_copy  (RdFixStep           *self);

G_END_DECLS
