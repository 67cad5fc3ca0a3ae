/* rd-report-redact.h: a report with the names left out, for the help desk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* What every removed value becomes. */
#define RD_REPORT_REDACTED "redacted"

JsonNode *rd_report_redact            (JsonNode           *report);
JsonNode *rd_report_redact_with_names (JsonNode           *report,
                                       const char * const *user_names);

G_END_DECLS
