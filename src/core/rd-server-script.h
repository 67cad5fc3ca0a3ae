/* rd-server-script.h: one PowerShell script, for the host's administrator,
 * that runs the server-side steps of the fixes the user picked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "rd-types.h"
#include "rd-catalog.h"

G_BEGIN_DECLS

#define RD_SERVER_SCRIPT_ERROR (rd_server_script_error_quark ())

/**
 * RdServerScriptError:
 * @RD_SERVER_SCRIPT_ERROR_UNKNOWN_CAUSE: the cause is not one the diagnosis found
 * @RD_SERVER_SCRIPT_ERROR_UNKNOWN_FIX: the fix is not one the diagnosis offers for the cause
 */
typedef enum
{
  RD_SERVER_SCRIPT_ERROR_UNKNOWN_CAUSE,
  RD_SERVER_SCRIPT_ERROR_UNKNOWN_FIX,
} RdServerScriptError;

#define RD_TYPE_SERVER_SCRIPT (rd_server_script_get_type ())
G_DECLARE_FINAL_TYPE (RdServerScript, rd_server_script, RD, SERVER_SCRIPT, GObject)

GQuark          rd_server_script_error_quark       (void);

RdServerScript *rd_server_script_new               (RdDiagnosis    *diagnosis);
gboolean        rd_server_script_add_fix           (RdServerScript *self,
                                                    const char     *cause_id,
                                                    const char     *fix_id,
                                                    GError        **error);
gboolean        rd_server_script_add_cause         (RdServerScript *self,
                                                    const char     *cause_id,
                                                    GError        **error);
void            rd_server_script_set_generated_at  (RdServerScript *self,
                                                    GDateTime      *generated_at);
guint           rd_server_script_get_n_steps       (RdServerScript *self);
char           *rd_server_script_to_string         (RdServerScript *self);
GBytes         *rd_server_script_to_bytes          (RdServerScript *self);

gboolean        rd_server_script_fix_has_steps     (const RdCatalogFix *fix);
char           *rd_server_script_comment_text      (const char         *text);

G_END_DECLS
