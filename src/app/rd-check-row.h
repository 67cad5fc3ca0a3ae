/* rd-check-row.h: one check of a run: waiting, running, then its verdict
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "rd-core.h"

G_BEGIN_DECLS

typedef enum
{
  RD_CHECK_ROW_STATE_WAITING,
  RD_CHECK_ROW_STATE_RUNNING,
  RD_CHECK_ROW_STATE_DONE,
} RdCheckRowState;

#define RD_TYPE_CHECK_ROW (rd_check_row_get_type ())
G_DECLARE_FINAL_TYPE (RdCheckRow, rd_check_row, RD, CHECK_ROW, AdwActionRow)

GtkWidget       *rd_check_row_new         (const char    *check_id,
                                           const char    *title);
const char      *rd_check_row_get_check_id (RdCheckRow   *self);
RdCheckRowState  rd_check_row_get_state   (RdCheckRow    *self);
void             rd_check_row_set_running (RdCheckRow    *self);
void             rd_check_row_set_result  (RdCheckRow    *self,
                                           RdCheckResult *result);
RdCheckResult   *rd_check_row_get_result  (RdCheckRow    *self);

G_END_DECLS
