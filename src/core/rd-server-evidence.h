/* rd-server-evidence.h: what the host's administrator collects with the
 * read-only evidence script, brought back into the diagnosis
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "rd-types.h"

G_BEGIN_DECLS

/* The "schema" value of every document; the number changes when a field
 * changes its meaning, never when fields are added. */
#define RD_SERVER_EVIDENCE_SCHEMA "rdp-doctor-server-evidence/1"

/* The check id of the imported result, and of its entry in reports. */
#define RD_SERVER_EVIDENCE_CHECK_ID "server"

/* Far more than the script ever prints (tens of kilobytes): anything larger
 * is another file. UTF-16 input may be twice as large. */
#define RD_SERVER_EVIDENCE_MAX_SIZE (1024 * 1024)

#define RD_SERVER_EVIDENCE_ERROR (rd_server_evidence_error_quark ())

/**
 * RdServerEvidenceError:
 * @RD_SERVER_EVIDENCE_ERROR_EMPTY: there is no text at all
 * @RD_SERVER_EVIDENCE_ERROR_TOO_LARGE: larger than %RD_SERVER_EVIDENCE_MAX_SIZE
 * @RD_SERVER_EVIDENCE_ERROR_NOT_TEXT: binary data, or text in an encoding other than UTF-8 or UTF-16
 * @RD_SERVER_EVIDENCE_ERROR_NOT_JSON: text, but not a JSON document
 * @RD_SERVER_EVIDENCE_ERROR_EXTRA_TEXT: other text before or after the JSON document
 * @RD_SERVER_EVIDENCE_ERROR_WRONG_SCHEMA: JSON, but not this schema (or a newer version of it)
 * @RD_SERVER_EVIDENCE_ERROR_INVALID_FIELD: a field is missing, of the wrong type, or has an impossible value
 *
 * Why an evidence document was refused. The message names the problem and,
 * for fields, the field ("rdp_tcp.SecurityLayer").
 */
typedef enum
{
  RD_SERVER_EVIDENCE_ERROR_EMPTY,
  RD_SERVER_EVIDENCE_ERROR_TOO_LARGE,
  RD_SERVER_EVIDENCE_ERROR_NOT_TEXT,
  RD_SERVER_EVIDENCE_ERROR_NOT_JSON,
  RD_SERVER_EVIDENCE_ERROR_EXTRA_TEXT,
  RD_SERVER_EVIDENCE_ERROR_WRONG_SCHEMA,
  RD_SERVER_EVIDENCE_ERROR_INVALID_FIELD,
} RdServerEvidenceError;

GQuark         rd_server_evidence_error_quark  (void);

RdCheckResult *rd_server_evidence_import       (const char  *data,
                                                gssize       length,
                                                GError     **error);
RdCheckResult *rd_server_evidence_import_bytes (GBytes      *bytes,
                                                GError     **error);
GBytes        *rd_server_evidence_get_script   (void);

G_END_DECLS
