/* rd-target.h: what the user typed, validated
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "rd-types.h"

G_BEGIN_DECLS

#define RD_DEFAULT_RDP_PORT 3389

#define RD_TARGET_ERROR (rd_target_error_quark ())

/**
 * RdTargetError:
 *
 * Why a typed target was refused. The codes tell the wizard which field to mark;
 * the GError message says in plain words what is wrong.
 */
typedef enum
{
  RD_TARGET_ERROR_EMPTY,
  RD_TARGET_ERROR_INVALID_TEXT,
  RD_TARGET_ERROR_WHITESPACE,
  RD_TARGET_ERROR_CONTROL_CHARACTER,
  RD_TARGET_ERROR_SHELL_CHARACTER,
  RD_TARGET_ERROR_INVALID_CHARACTER,
  RD_TARGET_ERROR_BRACKETS,
  RD_TARGET_ERROR_INVALID_ADDRESS,
  RD_TARGET_ERROR_NAME_TOO_LONG,
  RD_TARGET_ERROR_LABEL_TOO_LONG,
  RD_TARGET_ERROR_LABEL_INVALID,
  RD_TARGET_ERROR_PORT_MISSING,
  RD_TARGET_ERROR_PORT_NOT_A_NUMBER,
  RD_TARGET_ERROR_PORT_OUT_OF_RANGE,
} RdTargetError;

#define RD_TYPE_TARGET (rd_target_get_type ())

GType        rd_target_get_type          (void) G_GNUC_CONST;
GQuark       rd_target_error_quark       (void);

RdTarget    *rd_target_parse             (const char  *text,
                                          guint16      default_port,
                                          GError     **error);
RdTarget    *rd_target_new_from_parts    (const char  *host,
                                          const char  *port,
                                          guint16      default_port,
                                          GError     **error);
gboolean     rd_target_parse_port        (const char  *text,
                                          guint16     *port,
                                          GError     **error);
RdTarget    *rd_target_ref               (RdTarget    *self);
void         rd_target_unref             (RdTarget    *self);

const char  *rd_target_get_host          (const RdTarget *self);
const char  *rd_target_get_display_host  (const RdTarget *self);
guint16      rd_target_get_port          (const RdTarget *self);
gboolean     rd_target_is_ip_literal     (const RdTarget *self);
char        *rd_target_to_string         (const RdTarget *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RdTarget, rd_target_unref)

G_END_DECLS
