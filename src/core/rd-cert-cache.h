/* rd-cert-cache.h: the server certificates FreeRDP-based clients (FreeRDP,
 * Remmina, GNOME Connections) remember having accepted for a host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

char      *rd_cert_cache_file_name (const char *host,
                                    guint16     port);
JsonArray *rd_cert_cache_lookup    (const char *host,
                                    guint16     port,
                                    GDateTime  *now);
gboolean   rd_cert_cache_forget    (JsonObject  *entry,
                                    GError     **error);
void       rd_cert_cache_forget_async  (JsonArray           *entries,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean   rd_cert_cache_forget_finish (GAsyncResult        *result,
                                        GError             **error);

G_END_DECLS
