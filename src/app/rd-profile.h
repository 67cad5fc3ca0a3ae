/* rd-profile.h: RDP_DOCTOR_PROFILE, the wizard's opt-in speed measurements
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void     rd_profile_init         (void);
gboolean rd_profile_is_enabled   (void);
void     rd_profile_mark         (const char *name);
void     rd_profile_watch_window (GtkWindow  *window);
void     rd_profile_busy_begin   (void);
void     rd_profile_busy_end     (void);

G_END_DECLS
