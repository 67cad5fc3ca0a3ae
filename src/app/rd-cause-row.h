/* rd-cause-row.h: one diagnosed cause: its title, how likely, why, and how to fix it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "rd-core.h"

G_BEGIN_DECLS

#define RD_TYPE_CAUSE_ROW (rd_cause_row_get_type ())
G_DECLARE_FINAL_TYPE (RdCauseRow, rd_cause_row, RD, CAUSE_ROW, AdwExpanderRow)

GtkWidget *rd_cause_row_new       (RdCause    *cause,
                                   guint       rank,
                                   RdTarget   *target);
RdCause   *rd_cause_row_get_cause (RdCauseRow *self);
void       rd_cause_row_set_note  (RdCauseRow *self,
                                   const char *note);

G_END_DECLS
