/* rd-tsrequest.h: the CredSSP TSRequest (MS-CSSP 2.2.1), DER through OpenSSL's
 * ASN.1 templates. Pure: bytes in, structs out.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "rd-proto-error.h"

G_BEGIN_DECLS

/* No CredSSP message we send or accept is anywhere near this. */
#define RD_TSREQUEST_MAX_LENGTH (64 * 1024)

typedef struct
{
  gint64   version;
  GBytes  *nego_token;     /* the first negoToken, or NULL */
  GBytes  *auth_info;      /* or NULL */
  GBytes  *pub_key_auth;   /* or NULL */
  gboolean has_error_code;
  guint32  error_code;     /* NTSTATUS */
  GBytes  *client_nonce;   /* or NULL */
} RdTsRequest;

/* How many bytes the DER message starting at @data takes in all (tag + length +
 * content). 0 and no error when more bytes are needed to tell; -1 with @error
 * when it is not a SEQUENCE or is longer than @max_length. */
gssize   rd_tsrequest_get_length (const guint8       *data,
                                  gsize               length,
                                  gsize               max_length,
                                  GError            **error);
/* The decoder takes exactly one message (at most RD_TSREQUEST_MAX_LENGTH
 * bytes) and leaves @request zeroed on failure. A version that does not fit
 * in a gint64 is RD_PROTO_ERROR_OVERSIZED, a negative one INVALID. errorCode is
 * written in four bytes as Windows does, and read from either the four-byte
 * (negative) or the minimal positive DER form. */
GBytes  *rd_tsrequest_encode     (const RdTsRequest  *request);
gboolean rd_tsrequest_decode     (const guint8       *data,
                                  gsize               length,
                                  RdTsRequest        *request,
                                  GError            **error);
void     rd_tsrequest_clear      (RdTsRequest        *request);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RdTsRequest, rd_tsrequest_clear)

G_END_DECLS
