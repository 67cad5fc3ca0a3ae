/* rd-proto-error.h: how wire-format code says that bytes are not what they claim
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define RD_PROTO_ERROR (rd_proto_error_quark ())

typedef enum
{
  RD_PROTO_ERROR_TRUNCATED,   /* fewer bytes than a length field or a structure needs */
  RD_PROTO_ERROR_OVERSIZED,   /* a length beyond what the protocol or this parser allows */
  RD_PROTO_ERROR_INVALID,     /* a wrong version, type, code or encoding */
} RdProtoError;

GQuark rd_proto_error_quark (void);

G_END_DECLS
