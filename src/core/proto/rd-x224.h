/* rd-x224.h: TPKT + X.224 Connection Request / Confirm with RDP negotiation
 * (MS-RDPBCGR 2.2.1.1, 2.2.1.2; rdp-facts.md §1.1–1.3). Pure: bytes in, structs out.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "rd-proto-error.h"

G_BEGIN_DECLS

/* requestedProtocols / selectedProtocol (MS-RDPBCGR 2.2.1.1.1) */
#define RD_PROTOCOL_RDP        0x00000000u
#define RD_PROTOCOL_SSL        0x00000001u
#define RD_PROTOCOL_HYBRID     0x00000002u
#define RD_PROTOCOL_RDSTLS     0x00000004u
#define RD_PROTOCOL_HYBRID_EX  0x00000008u
#define RD_PROTOCOL_RDSAAD     0x00000010u

/* RDP_NEG_REQ flags (2.2.1.1.1) */
#define RD_NEG_REQ_RESTRICTED_ADMIN_MODE_REQUIRED          0x01
#define RD_NEG_REQ_REDIRECTED_AUTHENTICATION_MODE_REQUIRED 0x02
#define RD_NEG_REQ_CORRELATION_INFO_PRESENT                0x08

/* RDP_NEG_RSP flags (2.2.1.2.1) */
#define RD_NEG_RSP_EXTENDED_CLIENT_DATA_SUPPORTED            0x01
#define RD_NEG_RSP_DYNVC_GFX_PROTOCOL_SUPPORTED              0x02
#define RD_NEG_RSP_NEGRSP_FLAG_RESERVED                      0x04
#define RD_NEG_RSP_RESTRICTED_ADMIN_MODE_SUPPORTED           0x08
#define RD_NEG_RSP_REDIRECTED_AUTHENTICATION_MODE_SUPPORTED  0x10

/* RDP_NEG_FAILURE failureCode (2.2.1.2.2) */
typedef enum
{
  RD_NEG_FAILURE_SSL_REQUIRED_BY_SERVER                = 1,
  RD_NEG_FAILURE_SSL_NOT_ALLOWED_BY_SERVER             = 2,
  RD_NEG_FAILURE_SSL_CERT_NOT_ON_SERVER                = 3,
  RD_NEG_FAILURE_INCONSISTENT_FLAGS                    = 4,
  RD_NEG_FAILURE_HYBRID_REQUIRED_BY_SERVER             = 5,
  RD_NEG_FAILURE_SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER = 6,
} RdNegFailureCode;

#define RD_TPKT_HEADER_LENGTH 4

/* The longest cookie or routing token the encoder takes: the X.224 length
 * indicator is one byte, and the request may also carry RDP_NEG_REQ and
 * rdpCorrelationInfo. */
#define RD_X224_MAX_COOKIE_LENGTH 194

typedef struct
{
  char    *cookie;               /* the value after "Cookie: " (e.g. "mstshash=eltons"), or NULL */
  char    *routing_token;        /* a routing token line without CR LF, or NULL */
  gboolean has_negotiation;      /* an RDP_NEG_REQ was present */
  guint8   flags;                /* RD_NEG_REQ_* */
  guint32  requested_protocols;  /* RD_PROTOCOL_* */
  /* rdpCorrelationInfo (2.2.1.1.2), there when flags has CORRELATION_INFO_PRESENT */
  gboolean has_correlation_info;
  guint8   correlation_id[16];
} RdX224Request;

typedef enum
{
  RD_X224_CONFIRM_LEGACY,    /* a bare CC without rdpNegData: Standard RDP Security only */
  RD_X224_CONFIRM_RESPONSE,  /* RDP_NEG_RSP */
  RD_X224_CONFIRM_FAILURE,   /* RDP_NEG_FAILURE */
} RdX224ConfirmKind;

typedef struct
{
  RdX224ConfirmKind kind;
  guint8            flags;              /* RD_NEG_RSP_* (RESPONSE only) */
  guint32           selected_protocol;  /* RESPONSE only */
  guint32           failure_code;       /* FAILURE only: RdNegFailureCode, or an unknown value */
} RdX224Confirm;

/* TPKT (RFC 1006): how long the whole PDU whose first bytes are @data is.
 * Returns 0 and no error when fewer than 4 bytes are there yet; -1 with @error
 * when the header is invalid (version not 3, length under 7 or over @max_length). */
gssize   rd_tpkt_get_pdu_length            (const guint8   *data,
                                            gsize           length,
                                            gsize           max_length,
                                            GError        **error);

gboolean rd_tpkt_check_frame               (const guint8   *data,
                                            gsize           length,
                                            gsize           min_length,
                                            const char     *what,
                                            guint16        *pdu_length,
                                            GError        **error);

/* The decoders take exactly one PDU (bytes after the TPKT length are an
 * error), and leave their output zeroed when they fail, so the _clear()
 * functions are safe either way. A proper prefix of a valid PDU always fails
 * with RD_PROTO_ERROR_TRUNCATED.
 *
 * @cookie is the value after "Cookie: " ("mstshash=eltons", as the decoder
 * returns it), or NULL; no CR or LF, at most RD_X224_MAX_COOKIE_LENGTH bytes.
 * Always carries an RDP_NEG_REQ. With
 * RD_NEG_REQ_CORRELATION_INFO_PRESENT in @flags it adds an rdpCorrelationInfo
 * with a random correlationId. */
GBytes  *rd_x224_encode_connection_request (const char          *cookie,
                                            guint32              requested_protocols,
                                            guint8               flags);
/* Everything @request says: a cookie or a routing token (not both), the
 * RDP_NEG_REQ only when has_negotiation, the correlation info when
 * has_correlation_info (which sets the flag). For the test server and tests. */
GBytes  *rd_x224_encode_connection_request_full (const RdX224Request *request);
gboolean rd_x224_decode_connection_request (const guint8        *data,
                                            gsize                length,
                                            RdX224Request       *request,
                                            GError             **error);
void     rd_x224_request_clear             (RdX224Request       *request);

GBytes  *rd_x224_encode_connection_confirm (const RdX224Confirm *confirm);
gboolean rd_x224_decode_connection_confirm (const guint8        *data,
                                            gsize                length,
                                            RdX224Confirm       *confirm,
                                            GError             **error);

/* Stable English names for reports: "rdp", "ssl", "hybrid", "rdstls", "hybrid_ex",
 * "rdsaad"; NULL for a value that is not exactly one known protocol. */
const char *rd_protocol_to_string          (guint32 protocol);
/* "SSL_REQUIRED_BY_SERVER" … ; NULL for an unknown code */
const char *rd_neg_failure_to_string       (guint32 failure_code);
/* "EXTENDED_CLIENT_DATA_SUPPORTED", … one name per set bit; unknown bits as "0x40" */
GStrv       rd_neg_rsp_flags_to_strv       (guint8  flags);
/* requestedProtocols as names, one per set bit ("ssl", "hybrid"); an empty
 * vector for PROTOCOL_RDP (0); unknown bits as "0x00000040" */
GStrv       rd_protocols_to_strv           (guint32 protocols);

G_END_DECLS
