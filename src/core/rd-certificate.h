/* rd-certificate.h: what a server certificate says, as report evidence
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <openssl/ssl.h>

G_BEGIN_DECLS

JsonObject *rd_certificate_describe     (X509       *certificate,
                                         guint       chain_length);
gboolean    rd_certificate_names_host   (JsonObject *description,
                                         const char *host);
gboolean    rd_certificate_note_validity (JsonObject *description,
                                          GDateTime  *now);

G_END_DECLS
