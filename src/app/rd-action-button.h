/* rd-action-button.h: the button of one guided action of a fix step
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Buttons the fix page adds besides the catalog's action types */
#define RD_ACTION_SERVER_SCRIPT   "server-script"     /* argument: the fix id */
#define RD_ACTION_IMPORT_EVIDENCE "import-evidence"   /* no argument */

#define RD_TYPE_ACTION_BUTTON (rd_action_button_get_type ())
G_DECLARE_FINAL_TYPE (RdActionButton, rd_action_button, RD, ACTION_BUTTON, GtkButton)

gboolean    rd_action_button_type_is_supported (const char     *type);
GtkWidget  *rd_action_button_new               (const char     *type,
                                                const char     *argument);
const char *rd_action_button_get_action_type   (RdActionButton *self);
const char *rd_action_button_get_argument      (RdActionButton *self);
const char *rd_action_button_get_label_text    (RdActionButton *self);

G_END_DECLS
