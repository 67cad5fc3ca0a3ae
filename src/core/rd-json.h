/* rd-json.h: JSON text for reports, with numbers as people write them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

char *rd_json_to_string          (JsonNode   *node,
                                  gboolean    pretty);
void  rd_json_set_string_or_null (JsonObject *object,
                                  const char *member,
                                  const char *value);

G_END_DECLS
