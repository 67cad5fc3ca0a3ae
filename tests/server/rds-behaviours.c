/* rds-behaviours.c: what the scripted RDP server does with a connection
 *
 * One table maps a behaviour's name to its description and to the function
 * that serves a connection; adding a behaviour is one entry (and, when no
 * existing function fits, one function). The choices follow MS-RDPBCGR
 * 2.2.1.2 and rdp-facts.md §1.2–1.6.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rds-behaviours"

#include "config.h"

#include "rds-server.h"

#include "rd-mcs.h"
#include "rd-proto-reader.h"

#include <string.h>

#include <openssl/rand.h>

/* NTLMSSP_NEGOTIATE_56 | KEY_EXCH | 128 | VERSION | TARGET_INFO |
 * EXTENDED_SESSIONSECURITY | TARGET_TYPE_DOMAIN | ALWAYS_SIGN | NTLM | SEAL |
 * SIGN | REQUEST_TARGET | UNICODE: what Windows Server answers (MS-NLMP 2.2.2.5) */
#define RDS_NTLM_CHALLENGE_FLAGS 0xE28A8235u

/* Windows Server 2022 (MS-NLMP 2.2.2.10 VERSION) */
#define RDS_NTLM_VERSION_MAJOR 10
#define RDS_NTLM_VERSION_MINOR 0
#define RDS_NTLM_VERSION_BUILD 20348
#define RDS_NTLM_REVISION      15

/* How a behaviour picks its answer to an RDP_NEG_REQ */
typedef enum
{
  POLICY_NLA,           /* HYBRID_EX > HYBRID > SSL; RDP only: HYBRID_REQUIRED */
  POLICY_NLA_ENFORCED,  /* HYBRID_EX > HYBRID; anything else: HYBRID_REQUIRED */
  POLICY_TLS_ONLY,      /* SSL; anything else: SSL_REQUIRED */
  POLICY_RDP_ONLY,      /* RDP; anything with SSL/HYBRID: SSL_NOT_ALLOWED */
} Policy;

/* The param of serve_policy: the Policy in the low byte, and for Standard
 * RDP Security the encryption level + 1 (0: Client Compatible, as in
 * MS-RDPBCGR 4.1.4) and whether the method is chosen the way xrdp does. */
#define PARAM_POLICY(param)     ((Policy) ((param) & 0xff))
#define PARAM_LEVEL(level)      (((guint32) (level) + 1) << 8)
#define PARAM_XRDP_METHOD       (1u << 12)
#define POLICY_RDP_AT(level)    (POLICY_RDP_ONLY | PARAM_LEVEL (level))

static void
set_failure (RdX224Confirm *confirm,
             guint32        code)
{
  confirm->kind = RD_X224_CONFIRM_FAILURE;
  confirm->flags = 0;
  confirm->failure_code = code;
}

static void
set_selected (RdX224Confirm *confirm,
              guint8         flags,
              guint32        protocol)
{
  confirm->kind = RD_X224_CONFIRM_RESPONSE;
  confirm->flags = flags;
  confirm->selected_protocol = protocol;
}

static void
choose (Policy               policy,
        const RdsConfig     *config,
        const RdX224Request *request,
        RdX224Confirm       *confirm)
{
  guint32 offered = request->has_negotiation ? request->requested_protocols : RD_PROTOCOL_RDP;

  memset (confirm, 0, sizeof *confirm);

  switch (policy)
    {
    case POLICY_NLA:
    case POLICY_NLA_ENFORCED:
      if (offered & RD_PROTOCOL_HYBRID_EX)
        set_selected (confirm, config->neg_flags, RD_PROTOCOL_HYBRID_EX);
      else if (offered & RD_PROTOCOL_HYBRID)
        set_selected (confirm, config->neg_flags, RD_PROTOCOL_HYBRID);
      else if ((offered & RD_PROTOCOL_SSL) && policy == POLICY_NLA)
        set_selected (confirm, config->neg_flags, RD_PROTOCOL_SSL);
      else
        set_failure (confirm, RD_NEG_FAILURE_HYBRID_REQUIRED_BY_SERVER);
      break;

    case POLICY_TLS_ONLY:
      if (offered & RD_PROTOCOL_SSL)
        set_selected (confirm, config->neg_flags, RD_PROTOCOL_SSL);
      else
        set_failure (confirm, RD_NEG_FAILURE_SSL_REQUIRED_BY_SERVER);
      break;

    case POLICY_RDP_ONLY:
      if (offered & (RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID | RD_PROTOCOL_HYBRID_EX))
        set_failure (confirm, RD_NEG_FAILURE_SSL_NOT_ALLOWED_BY_SERVER);
      else
        set_selected (confirm, config->neg_flags, RD_PROTOCOL_RDP);
      break;

    default:
      g_assert_not_reached ();
    }

  /* A client that sent no RDP_NEG_REQ gets no rdpNegData back (2.2.1.2) */
  if (!request->has_negotiation && confirm->kind == RD_X224_CONFIRM_RESPONSE)
    confirm->kind = RD_X224_CONFIRM_LEGACY;
}

static gboolean
is_tls_protocol (guint32 protocol)
{
  return protocol == RD_PROTOCOL_SSL ||
         protocol == RD_PROTOCOL_HYBRID ||
         protocol == RD_PROTOCOL_HYBRID_EX;
}

static gboolean
is_credssp_protocol (guint32 protocol)
{
  return protocol == RD_PROTOCOL_HYBRID || protocol == RD_PROTOCOL_HYBRID_EX;
}

/* Reads the CR and sends the policy's CC; @confirm is what was sent. */
static gboolean
negotiate (RdsConn       *conn,
           Policy         policy,
           RdX224Confirm *confirm,
           GError       **error)
{
  RdX224Request request = { 0, };

  if (!rds_conn_read_request (conn, &request, error))
    return FALSE;

  choose (policy, conn->config, &request, confirm);
  rd_x224_request_clear (&request);

  if (confirm->kind == RD_X224_CONFIRM_FAILURE)
    g_debug ("connection %u: RDP_NEG_FAILURE %u", conn->id, confirm->failure_code);
  else
    g_debug ("connection %u: RDP_NEG_RSP selecting %s (flags 0x%02x)", conn->id,
             rd_protocol_to_string (confirm->selected_protocol), confirm->flags);

  return rds_conn_send_confirm (conn, confirm, error);
}

static gboolean
is_ntlm_negotiate (GBytes *token)
{
  static const guint8 signature[8] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0 };
  const guint8 *data;
  gsize length;

  if (token == NULL)
    return FALSE;

  /* MS-NLMP 2.2.1.1: Signature, then MessageType 1 (u32 LE) */
  data = g_bytes_get_data (token, &length);
  return length >= 12 &&
         memcmp (data, signature, sizeof signature) == 0 &&
         data[8] == 1 && data[9] == 0 && data[10] == 0 && data[11] == 0;
}

static GBytes *
build_challenge_tsrequest (const RdsConfig *config)
{
  RdNtlmChallenge challenge = { 0, };
  RdTsRequest reply = { 0, };
  g_autoptr(GBytes) token = NULL;
  gint64 now_us = g_get_real_time () + config->clock_offset_s * G_USEC_PER_SEC;

  challenge.negotiate_flags = RDS_NTLM_CHALLENGE_FLAGS | RD_NTLM_NEGOTIATE_VERSION;
  if (RAND_bytes (challenge.server_challenge, sizeof challenge.server_challenge) != 1)
    memset (challenge.server_challenge, 0x5a, sizeof challenge.server_challenge);
  /* The struct's strings are only borrowed for the encoder; never cleared. */
  challenge.target_name = config->nb_domain;
  challenge.nb_computer = config->nb_computer;
  challenge.nb_domain = config->nb_domain;
  challenge.dns_computer = config->dns_computer;
  challenge.dns_domain = config->dns_domain;
  challenge.dns_tree = config->dns_tree;
  challenge.has_timestamp = TRUE;
  challenge.timestamp = rd_ntlm_unix_us_to_filetime (now_us);
  challenge.has_version = TRUE;
  challenge.version_major = RDS_NTLM_VERSION_MAJOR;
  challenge.version_minor = RDS_NTLM_VERSION_MINOR;
  challenge.version_build = RDS_NTLM_VERSION_BUILD;
  challenge.ntlm_revision = RDS_NTLM_REVISION;

  token = rd_ntlm_encode_challenge (&challenge);
  if (token == NULL)
    return NULL;

  reply.version = config->credssp_version;
  reply.nego_token = token;
  return rd_tsrequest_encode (&reply);
}

/* MS-RDPBCGR 4.1.4's server random and proprietary certificate: a fixed
 * test blob, since nothing after the Connect Response is served. */
static const guint8 spec_server_random[32] = {
  0x10, 0x11, 0x77, 0x20, 0x30, 0x61, 0x0a, 0x12, 0xe4, 0x34, 0xa1, 0x1e, 0xf2, 0xc3, 0x9f, 0x31,
  0x7d, 0xa4, 0x5f, 0x01, 0x89, 0x34, 0x96, 0xe0, 0xff, 0x11, 0x08, 0x69, 0x7f, 0x1a, 0xc3, 0xd2,
};
static const guint8 spec_proprietary_certificate[184] = {
  0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x00, 0x5c, 0x00,
  0x52, 0x53, 0x41, 0x31, 0x48, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x00,
  0x01, 0x00, 0x01, 0x00, 0xcb, 0x81, 0xfe, 0xba, 0x6d, 0x61, 0xc3, 0x55, 0x05, 0xd5, 0x5f, 0x2e,
  0x87, 0xf8, 0x71, 0x94, 0xd6, 0xf1, 0xa5, 0xcb, 0xf1, 0x5f, 0x0c, 0x3d, 0xf8, 0x70, 0x02, 0x96,
  0xc4, 0xfb, 0x9b, 0xc8, 0x3c, 0x2d, 0x55, 0xae, 0xe8, 0xff, 0x32, 0x75, 0xea, 0x68, 0x79, 0xe5,
  0xa2, 0x01, 0xfd, 0x31, 0xa0, 0xb1, 0x1f, 0x55, 0xa6, 0x1f, 0xc1, 0xf6, 0xd1, 0x83, 0x88, 0x63,
  0x26, 0x56, 0x12, 0xbc, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x48, 0x00,
  0xe9, 0xe1, 0xd6, 0x28, 0x46, 0x8b, 0x4e, 0xf5, 0x0a, 0xdf, 0xfd, 0xee, 0x21, 0x99, 0xac, 0xb4,
  0xe1, 0x8f, 0x5f, 0x81, 0x57, 0x82, 0xef, 0x9d, 0x96, 0x52, 0x63, 0x27, 0x18, 0x29, 0xdb, 0xb3,
  0x4a, 0xfd, 0x9a, 0xda, 0x42, 0xad, 0xb5, 0x69, 0x21, 0x89, 0x0e, 0x1d, 0xc0, 0x4c, 0x1a, 0xa8,
  0xaa, 0x71, 0x3e, 0x0f, 0x54, 0xb9, 0x9a, 0xe4, 0x99, 0x68, 0x3f, 0x6c, 0xd6, 0x76, 0x84, 0x61,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* Standard RDP Security goes on with MCS: the client's Connect Initial gets
 * the Connect Response for the encryption level @param says, with the method
 * MS-RDPBCGR 5.3.2.1 picks from what the client offers (or xrdp's choice);
 * when no method fits, the connection is closed, as 5.3.2.1 says. */
static gboolean
serve_mcs (RdsConn  *conn,
           guint32   param,
           guint32   version,
           GError  **error)
{
  guint32 level = (param >> 8) & 0xf ? ((param >> 8) & 0xf) - 1 : RD_ENCRYPTION_LEVEL_CLIENT_COMPATIBLE;
  RdMcsConnectInitial initial;
  RdMcsConnectResponse response = { 0, };
  g_autoptr(GBytes) pdu = rds_conn_read_tpkt (conn, error);
  g_autoptr(GBytes) reply = NULL;
  guint32 method;
  gboolean ok;

  if (pdu == NULL ||
      !rd_mcs_decode_connect_initial (g_bytes_get_data (pdu, NULL), g_bytes_get_size (pdu), &initial, error))
    return FALSE;

  if ((param & PARAM_XRDP_METHOD) != 0 &&
      (level == RD_ENCRYPTION_LEVEL_LOW || level == RD_ENCRYPTION_LEVEL_CLIENT_COMPATIBLE))
    {
      /* xrdp answers with its crypt_level's method whatever is offered */
      method = RD_ENCRYPTION_METHOD_40BIT;
    }
  else if (!rd_encryption_level_expected_method (level, initial.encryption_methods, &method))
    {
      g_debug ("connection %u: no encryption method for level %u among 0x%x: closing",
               conn->id, level, initial.encryption_methods);
      rd_mcs_connect_initial_clear (&initial);
      return TRUE;
    }

  response.has_user_data = TRUE;
  response.version = version;
  response.has_client_requested_protocols = TRUE;
  response.client_requested_protocols = RD_PROTOCOL_RDP;
  response.encryption_level = level;
  response.encryption_method = method;
  response.has_network = TRUE;
  response.mcs_channel_id = 1003;
  response.n_channels = initial.n_channels;
  for (guint i = 0; i < initial.n_channels; i++)
    response.channel_ids[i] = (guint16) (1004 + i);
  if (level != RD_ENCRYPTION_LEVEL_NONE)
    {
      response.server_random = g_bytes_new_static (spec_server_random, sizeof spec_server_random);
      response.server_cert = g_bytes_new_static (spec_proprietary_certificate, sizeof spec_proprietary_certificate);
    }
  rd_mcs_connect_initial_clear (&initial);

  g_debug ("connection %u: MCS Connect Response, level %u, method 0x%x", conn->id, level, method);
  reply = rd_mcs_encode_connect_response (&response);
  rd_mcs_connect_response_clear (&response);
  ok = rds_conn_send_all (conn, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), error);
  if (ok)
    rds_conn_drain (conn, RDS_READ_TIMEOUT_US);  /* the Erect Domain Request would come next */
  return ok;
}

/* After an RDP_NEG_RSP that selected TLS: the handshake, then the first
 * CredSSP round trip when CredSSP was selected. */
static gboolean
serve_after_selection (RdsConn  *conn,
                       guint32   selected,
                       guint32   param,
                       GError  **error)
{
  RdTsRequest request = { 0, };
  g_autoptr(GBytes) reply = NULL;
  const guint8 *data;
  gsize length;
  gboolean ok;

  if (!is_tls_protocol (selected))
    return serve_mcs (conn, param, 0x0008000c, error);  /* RDP 10.7 */

  if (!rds_conn_tls_accept (conn, error))
    return FALSE;

  if (!is_credssp_protocol (selected))
    {
      /* The client's MCS Connect Initial would come next. */
      rds_conn_tls_drain (conn, RDS_READ_TIMEOUT_US);
      return TRUE;
    }

  if (!rds_conn_tls_read_tsrequest (conn, &request, error))
    return FALSE;

  g_debug ("connection %u: TSRequest version %" G_GINT64_FORMAT, conn->id, request.version);
  ok = is_ntlm_negotiate (request.nego_token);
  rd_tsrequest_clear (&request);
  if (!ok)
    {
      g_set_error_literal (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                           "The first TSRequest carries no NTLM NEGOTIATE");
      return FALSE;
    }

  reply = build_challenge_tsrequest (conn->config);
  if (reply == NULL)
    {
      g_set_error_literal (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                           "Could not encode the NTLM CHALLENGE");
      return FALSE;
    }

  data = g_bytes_get_data (reply, &length);
  if (!rds_conn_tls_write_all (conn, data, length, error))
    return FALSE;

  /* An AUTHENTICATE would come next; we cannot check credentials. */
  rds_conn_tls_drain (conn, RDS_READ_TIMEOUT_US);
  return TRUE;
}

static void
report (RdsConn      *conn,
        const char   *what,
        GError       *error)
{
  if (error != NULL)
    g_debug ("connection %u: %s: %s", conn->id, what, error->message);
}

/* windows, nla-enforced, tls-only, rdp-only: param is the Policy */
static void
serve_policy (RdsConn            *conn,
              const RdsBehaviour *behaviour)
{
  g_autoptr(GError) error = NULL;
  RdX224Confirm confirm;

  if (!negotiate (conn, PARAM_POLICY (behaviour->param), &confirm, &error))
    {
      report (conn, "negotiation", error);
      return;
    }

  if (confirm.kind != RD_X224_CONFIRM_RESPONSE)
    return;  /* Windows closes right after a failure (spec 3.3.5.3.1) */

  if (!serve_after_selection (conn, confirm.selected_protocol, behaviour->param, &error))
    report (conn, behaviour->name, error);
}

static void
serve_silent (RdsConn            *conn,
              const RdsBehaviour *behaviour)
{
  rds_conn_drain (conn, RDS_SILENT_HOLD_US);
}

static void
serve_close_at_x224 (RdsConn            *conn,
                     const RdsBehaviour *behaviour)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdu = rds_conn_read_tpkt (conn, &error);

  report (conn, "reading the CR", error);
}

static void
serve_reset_at_x224 (RdsConn            *conn,
                     const RdsBehaviour *behaviour)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdu = rds_conn_read_tpkt (conn, &error);

  report (conn, "reading the CR", error);
  rds_conn_reset (conn);
}

static void
serve_legacy (RdsConn            *conn,
              const RdsBehaviour *behaviour)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdu = NULL;
  RdX224Confirm confirm = { .kind = RD_X224_CONFIRM_LEGACY };

  pdu = rds_conn_read_tpkt (conn, &error);
  if (pdu == NULL)
    {
      report (conn, "reading the CR", error);
      return;
    }

  if (!rds_conn_send_confirm (conn, &confirm, &error))
    {
      report (conn, "sending the CC", error);
      return;
    }

  /* then MCS, as an RDP 5.x server */
  if (!serve_mcs (conn, behaviour->param, 0x00080004, &error))
    report (conn, "MCS", error);
}

/* failure-N: param is N; failure: the --failure-code value */
static void
serve_failure (RdsConn            *conn,
               const RdsBehaviour *behaviour)
{
  g_autoptr(GError) error = NULL;
  RdX224Request request = { 0, };
  RdX224Confirm confirm = { 0, };

  if (!rds_conn_read_request (conn, &request, &error))
    {
      report (conn, "reading the CR", error);
      return;
    }
  rd_x224_request_clear (&request);

  set_failure (&confirm, behaviour->param != 0 ? behaviour->param : conn->config->failure_code);
  if (!rds_conn_send_confirm (conn, &confirm, &error))
    report (conn, "sending the CC", error);
}

/* What Windows does when NETWORK SERVICE cannot read the private key of the
 * RDP certificate: the negotiation succeeds, the ClientHello gets a RST. */
static void
serve_cert_key_inaccessible (RdsConn            *conn,
                             const RdsBehaviour *behaviour)
{
  g_autoptr(GError) error = NULL;
  RdX224Confirm confirm;
  guint8 record_header[5];

  if (!negotiate (conn, POLICY_NLA, &confirm, &error))
    {
      report (conn, "negotiation", error);
      return;
    }
  if (confirm.kind != RD_X224_CONFIRM_RESPONSE || !is_tls_protocol (confirm.selected_protocol))
    return;

  /* The TLS record header of the ClientHello; the rest stays unread. */
  if (!rds_conn_read_exact (conn, record_header, sizeof record_header, &error))
    report (conn, "waiting for the ClientHello", error);

  rds_conn_reset (conn);
}

static void
serve_no_credssp_answer (RdsConn            *conn,
                         const RdsBehaviour *behaviour)
{
  g_autoptr(GError) error = NULL;
  RdX224Confirm confirm;
  RdTsRequest request = { 0, };

  if (!negotiate (conn, POLICY_NLA, &confirm, &error))
    {
      report (conn, "negotiation", error);
      return;
    }
  if (confirm.kind != RD_X224_CONFIRM_RESPONSE || !is_tls_protocol (confirm.selected_protocol))
    return;

  if (!rds_conn_tls_accept (conn, &error))
    {
      report (conn, "TLS", error);
      return;
    }

  if (!is_credssp_protocol (confirm.selected_protocol))
    {
      rds_conn_tls_drain (conn, RDS_READ_TIMEOUT_US);
      return;
    }

  if (rds_conn_tls_read_tsrequest (conn, &request, &error))
    rd_tsrequest_clear (&request);
  else
    report (conn, "reading the TSRequest", error);
  /* and close without a word */
}


/* ---- hostile and broken peers ----
 *
 * What a fuzzer cannot easily reach: a client's I/O against a peer that
 * breaks the protocol at a chosen byte, or is slow, endless or resets at a
 * chosen moment. Each answers the CR it reads; the offsets below are those of
 * the 19-byte Connection Confirm with RDP_NEG_RSP (MS-RDPBCGR 2.2.1.2). */

#define CC_TPKT_VERSION  0   /* TPKT version, 3 (RFC 1006 §6) */
#define CC_TPKT_LENGTH   2   /* big-endian */
#define CC_X224_CODE     5   /* 0xD0: Connection Confirm */
#define CC_NEG_TYPE      11  /* rdpNegData type: 2 = RDP_NEG_RSP */
#define CC_NEG_LENGTH    13  /* little-endian, always 8 */

#define ENDLESS_CHUNK    (64 * 1024)
#define RESET_PAUSE_US   (100 * G_TIME_SPAN_MILLISECOND)

/* The Confirm the windows behaviour would send, as bytes to be spoilt. */
static GByteArray *
read_cr_make_confirm (RdsConn        *conn,
                      Policy          policy,
                      RdX224Confirm  *confirm,
                      GError        **error)
{
  RdX224Request request = { 0, };
  g_autoptr(GBytes) pdu = NULL;

  if (!rds_conn_read_request (conn, &request, error))
    return NULL;
  choose (policy, conn->config, &request, confirm);
  rd_x224_request_clear (&request);

  pdu = rd_x224_encode_connection_confirm (confirm);
  return g_bytes_unref_to_array (g_steal_pointer (&pdu));
}

/* Waits @us, or less when the server shuts down. */
static void
pause_for (RdsConn *conn,
           gint64   us)
{
  gint64 until = g_get_monotonic_time () + us;

  while (g_get_monotonic_time () < until && !g_cancellable_is_cancelled (conn->cancellable))
    g_usleep (MIN (until - g_get_monotonic_time (), 20 * G_TIME_SPAN_MILLISECOND));
}

/* Sends @chunk again and again until the peer stops reading for
 * RDS_READ_TIMEOUT_US, goes away, or RDS_SILENT_HOLD_US have passed. */
static void
send_endlessly (RdsConn      *conn,
                gboolean      inside_tls,
                const guint8 *chunk,
                gsize         length)
{
  gint64 until = g_get_monotonic_time () + RDS_SILENT_HOLD_US;
  guint64 sent = 0;

  while (g_get_monotonic_time () < until)
    {
      g_autoptr(GError) error = NULL;

      if (!(inside_tls ? rds_conn_tls_write_all (conn, chunk, length, &error)
                       : rds_conn_send_all (conn, chunk, length, &error)))
        {
          g_debug ("connection %u: endless stream stopped after %" G_GUINT64_FORMAT " bytes: %s",
                   conn->id, sent, error->message);
          return;
        }
      sent += length;
    }
}

/* tpkt-*, x224-code-*, neg-*: param is (offset << 24) | (size << 16) | value:
 * the Confirm with @size bytes at @offset overwritten by @value (big-endian
 * for 2 bytes, as the TPKT length is; RDP's little-endian fields get the
 * bytes swapped in the table), then silence. */
#define SPOIL(offset, size, value) (((guint32) (offset) << 24) | ((guint32) (size) << 16) | (guint32) (value))

static void
serve_spoilt_confirm (RdsConn            *conn,
                      const RdsBehaviour *behaviour)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) pdu = NULL;
  RdX224Confirm confirm;
  guint offset = behaviour->param >> 24;
  guint size = (behaviour->param >> 16) & 0xff;
  guint value = behaviour->param & 0xffff;

  pdu = read_cr_make_confirm (conn, POLICY_NLA, &confirm, &error);
  if (pdu == NULL)
    {
      report (conn, "reading the CR", error);
      return;
    }
  g_assert (offset + size <= pdu->len);
  if (size == 2)
    {
      pdu->data[offset] = (guint8) (value >> 8);
      pdu->data[offset + 1] = (guint8) value;
    }
  else
    pdu->data[offset] = (guint8) value;

  if (!rds_conn_send_all (conn, pdu->data, pdu->len, &error))
    report (conn, "sending the spoilt CC", error);
  rds_conn_drain (conn, RDS_SILENT_HOLD_US);
}

/* A valid Confirm, one byte every param milliseconds, then on as windows. */
static void
serve_slow_drip (RdsConn            *conn,
                 const RdsBehaviour *behaviour)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) pdu = NULL;
  RdX224Confirm confirm;

  pdu = read_cr_make_confirm (conn, POLICY_NLA, &confirm, &error);
  if (pdu == NULL)
    {
      report (conn, "reading the CR", error);
      return;
    }
  for (guint i = 0; i < pdu->len; i++)
    {
      if (i > 0)
        pause_for (conn, (gint64) behaviour->param * G_TIME_SPAN_MILLISECOND);
      if (!rds_conn_send_all (conn, pdu->data + i, 1, &error))
        {
          report (conn, "dripping the CC", error);
          return;
        }
    }
  if (confirm.kind == RD_X224_CONFIRM_RESPONSE &&
      !serve_after_selection (conn, confirm.selected_protocol, 0, &error))
    report (conn, behaviour->name, error);
}

/* reset-mid-confirm (param: bytes sent) and answer-then-reset (all of them) */
static void
serve_confirm_then_reset (RdsConn            *conn,
                          const RdsBehaviour *behaviour)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) pdu = NULL;
  RdX224Confirm confirm;

  pdu = read_cr_make_confirm (conn, POLICY_NLA, &confirm, &error);
  if (pdu == NULL)
    {
      report (conn, "reading the CR", error);
      return;
    }
  if (!rds_conn_send_all (conn, pdu->data, MIN (behaviour->param, pdu->len), &error))
    report (conn, "sending the CC", error);
  /* let the bytes arrive before the RST overtakes them */
  pause_for (conn, RESET_PAUSE_US);
  rds_conn_reset (conn);
}

/* After the CR: a TPKT header announcing 512 bytes, then zeros without end. */
static void
serve_endless_after_cr (RdsConn            *conn,
                        const RdsBehaviour *behaviour)
{
  static const guint8 header[] = { 3, 0, 0x02, 0x00 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) cr = rds_conn_read_tpkt (conn, &error);
  g_autofree guint8 *chunk = g_malloc0 (ENDLESS_CHUNK);

  if (cr == NULL)
    {
      report (conn, "reading the CR", error);
      return;
    }
  if (!rds_conn_send_all (conn, header, sizeof header, &error))
    {
      report (conn, "sending", error);
      return;
    }
  send_endlessly (conn, FALSE, chunk, ENDLESS_CHUNK);
}

/* Negotiates with @policy; TRUE when a TLS protocol was selected. */
static gboolean
negotiate_tls (RdsConn        *conn,
               Policy          policy,
               RdX224Confirm  *confirm)
{
  g_autoptr(GError) error = NULL;

  if (!negotiate (conn, policy, confirm, &error))
    {
      report (conn, "negotiation", error);
      return FALSE;
    }
  return confirm->kind == RD_X224_CONFIRM_RESPONSE && is_tls_protocol (confirm->selected_protocol);
}

/* tls-garbage: SSL selected, then text where the ServerHello should be */
static void
serve_tls_garbage (RdsConn            *conn,
                   const RdsBehaviour *behaviour)
{
  static const char garbage[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
  g_autoptr(GError) error = NULL;
  RdX224Confirm confirm;
  guint8 record_header[5];

  if (!negotiate_tls (conn, POLICY_TLS_ONLY, &confirm))
    return;
  if (!rds_conn_read_exact (conn, record_header, sizeof record_header, &error) ||
      !rds_conn_send_all (conn, (const guint8 *) garbage, sizeof garbage - 1, &error))
    report (conn, "TLS garbage", error);
  rds_conn_drain (conn, RDS_SILENT_HOLD_US);
}

/* reset-mid-tls: a ServerHello record cut short, then RST */
static void
serve_reset_mid_tls (RdsConn            *conn,
                     const RdsBehaviour *behaviour)
{
  /* handshake record, TLS 1.2, 90 bytes announced: ServerHello (2), 86 bytes, version 3.3, random… */
  static const guint8 partial[] = { 0x16, 0x03, 0x03, 0x00, 0x5a, 0x02, 0x00, 0x00, 0x56, 0x03, 0x03,
                                    0x52, 0x44, 0x50, 0x2d, 0x44, 0x6f, 0x63, 0x74, 0x6f, 0x72 };
  g_autoptr(GError) error = NULL;
  RdX224Confirm confirm;
  guint8 record_header[5];

  if (!negotiate_tls (conn, POLICY_NLA, &confirm))
    return;
  if (!rds_conn_read_exact (conn, record_header, sizeof record_header, &error) ||
      !rds_conn_send_all (conn, partial, sizeof partial, &error))
    report (conn, "partial ServerHello", error);
  pause_for (conn, RESET_PAUSE_US);
  rds_conn_reset (conn);
}

/* tls-huge-chain: a real handshake whose Certificate message carries the
 * certificate param times over, about 1 MiB */
static void
serve_huge_chain (RdsConn            *conn,
                  const RdsBehaviour *behaviour)
{
  g_autoptr(GError) error = NULL;
  RdX224Confirm confirm;
  X509 *leaf;

  if (!negotiate_tls (conn, POLICY_NLA, &confirm))
    return;

  conn->ssl = SSL_new (conn->config->ssl_ctx);
  leaf = conn->ssl != NULL ? SSL_get_certificate (conn->ssl) : NULL;
  for (guint i = 0; leaf != NULL && i < behaviour->param; i++)
    if (SSL_add1_chain_cert (conn->ssl, leaf) != 1)
      break;

  if (!serve_after_selection (conn, confirm.selected_protocol, behaviour->param, &error))
    report (conn, behaviour->name, error);
}

/* The TLS session after a NEGOTIATE: TRUE when the TSRequest was read. */
static gboolean
read_first_tsrequest (RdsConn *conn)
{
  g_autoptr(GError) error = NULL;
  RdTsRequest request = { 0, };
  RdX224Confirm confirm;

  if (!negotiate_tls (conn, POLICY_NLA, &confirm))
    return FALSE;
  if (!is_credssp_protocol (confirm.selected_protocol))
    {
      g_debug ("connection %u: no CredSSP selected", conn->id);
      return FALSE;
    }
  if (!rds_conn_tls_accept (conn, &error) ||
      !rds_conn_tls_read_tsrequest (conn, &request, &error))
    {
      report (conn, "up to the TSRequest", error);
      return FALSE;
    }
  rd_tsrequest_clear (&request);
  return TRUE;
}

/* credssp-bad-der: a SEQUENCE whose INTEGER runs past its end */
static const guint8 bad_der_answer[] = { 0x30, 0x05, 0xa0, 0x03, 0x02, 0x05, 0x06 };
/* credssp-length-2g: a SEQUENCE of 2^31 bytes is announced */
static const guint8 huge_length_answer[] = { 0x30, 0x84, 0x80, 0x00, 0x00, 0x00, 0xa0, 0x03, 0x02, 0x01, 0x06 };

/* credssp-bad-der, credssp-length-2g: param 0 or 1 picks the answer above */
static void
serve_bad_tsrequest (RdsConn            *conn,
                     const RdsBehaviour *behaviour)
{
  g_autoptr(GError) error = NULL;
  const guint8 *answer = behaviour->param == 0 ? bad_der_answer : huge_length_answer;
  gsize length = behaviour->param == 0 ? sizeof bad_der_answer : sizeof huge_length_answer;

  if (!read_first_tsrequest (conn))
    return;
  if (!rds_conn_tls_write_all (conn, answer, length, &error))
    report (conn, "sending the bad TSRequest", error);
  rds_conn_tls_drain (conn, RDS_SILENT_HOLD_US);
}

/* The NTLM CHALLENGE windows sends, with the first AV pair's AvLen (MS-NLMP
 * 2.2.2.1) spoilt: param, running past TargetInfo and the message. */
static GBytes *
build_spoilt_challenge_tsrequest (const RdsConfig *config,
                                  guint16          av_len)
{
  g_autoptr(GBytes) good = build_challenge_tsrequest (config);
  g_auto(RdTsRequest) request = { 0, };
  g_autoptr(GByteArray) token = NULL;
  RdTsRequest reply = { 0, };
  g_autoptr(GBytes) spoilt = NULL;
  guint32 info_offset;

  if (good == NULL ||
      !rd_tsrequest_decode (g_bytes_get_data (good, NULL), g_bytes_get_size (good), &request, NULL) ||
      request.nego_token == NULL)
    return NULL;
  token = g_bytes_unref_to_array (g_bytes_ref (request.nego_token));
  /* TargetInfoFields at 40: Len, MaxLen, BufferOffset (2.2.1.2) */
  if (token->len < 48)
    return NULL;
  info_offset = rd_proto_load_u32_le (token->data + 44);
  if (info_offset + 4 > token->len)
    return NULL;
  token->data[info_offset + 2] = (guint8) av_len;
  token->data[info_offset + 3] = (guint8) (av_len >> 8);

  spoilt = g_byte_array_free_to_bytes (g_steal_pointer (&token));
  reply.version = config->credssp_version;
  reply.nego_token = spoilt;
  return rd_tsrequest_encode (&reply);
}

/* ntlm-av-overrun */
static void
serve_ntlm_av_overrun (RdsConn            *conn,
                       const RdsBehaviour *behaviour)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) reply = NULL;

  if (!read_first_tsrequest (conn))
    return;
  reply = build_spoilt_challenge_tsrequest (conn->config, (guint16) behaviour->param);
  if (reply == NULL)
    {
      g_debug ("connection %u: could not build the spoilt CHALLENGE", conn->id);
      return;
    }
  if (!rds_conn_tls_write_all (conn, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), &error))
    report (conn, "sending the CHALLENGE", error);
  rds_conn_tls_drain (conn, RDS_SILENT_HOLD_US);
}

/* reset-mid-tsrequest: half the CHALLENGE, then RST */
static void
serve_reset_mid_tsrequest (RdsConn            *conn,
                           const RdsBehaviour *behaviour)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) reply = NULL;

  if (!read_first_tsrequest (conn))
    return;
  reply = build_challenge_tsrequest (conn->config);
  if (reply == NULL ||
      !rds_conn_tls_write_all (conn, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply) / 2, &error))
    report (conn, "sending half the CHALLENGE", error);
  pause_for (conn, RESET_PAUSE_US);
  rds_conn_reset (conn);
}

/* endless-in-tls: a TSRequest announcing 65520 bytes, then zeros without end */
static void
serve_endless_in_tls (RdsConn            *conn,
                      const RdsBehaviour *behaviour)
{
  static const guint8 header[] = { 0x30, 0x83, 0x00, 0xff, 0xf0 };
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *chunk = g_malloc0 (16 * 1024);  /* one TLS record each */

  if (!read_first_tsrequest (conn))
    return;
  if (!rds_conn_tls_write_all (conn, header, sizeof header, &error))
    {
      report (conn, "sending", error);
      return;
    }
  send_endlessly (conn, TRUE, chunk, 16 * 1024);
}

#define FAILURE_ENTRY(n, code_name) \
  { "failure-" #n, "every offer gets RDP_NEG_FAILURE " #n " (" code_name ")", serve_failure, n }

static const RdsBehaviour behaviours[] = {
  { "windows",
    "a healthy Windows host with NLA: selects HYBRID_EX > HYBRID > SSL, TLS, "
    "then answers the NTLM NEGOTIATE with a CHALLENGE; RDP-only offers get "
    "failure 5 (HYBRID_REQUIRED_BY_SERVER)",
    serve_policy, POLICY_NLA },
  { "nla-enforced",
    "like windows, but an offer without HYBRID/HYBRID_EX gets failure 5 "
    "(HYBRID_REQUIRED_BY_SERVER), SSL-only offers too",
    serve_policy, POLICY_NLA_ENFORCED },
  { "tls-only",
    "NLA off, SecurityLayer=2: selects SSL when offered; anything else gets "
    "failure 1 (SSL_REQUIRED_BY_SERVER)",
    serve_policy, POLICY_TLS_ONLY },
  { "rdp-only",
    "Standard RDP Security only: any offer with SSL/HYBRID gets failure 2 "
    "(SSL_NOT_ALLOWED_BY_SERVER); PROTOCOL_RDP alone gets RDP selected, then "
    "the MCS Connect Response: Client Compatible, 128-bit RC4, a proprietary certificate",
    serve_policy, POLICY_RDP_ONLY },
  { "rdp-low",
    "like rdp-only, with encryption level Low",
    serve_policy, POLICY_RDP_AT (RD_ENCRYPTION_LEVEL_LOW) },
  { "rdp-high",
    "like rdp-only, with encryption level High",
    serve_policy, POLICY_RDP_AT (RD_ENCRYPTION_LEVEL_HIGH) },
  { "rdp-fips",
    "like rdp-only, with encryption level FIPS",
    serve_policy, POLICY_RDP_AT (RD_ENCRYPTION_LEVEL_FIPS) },
  { "rdp-none",
    "like rdp-only, with encryption level None (no encryption, no certificate)",
    serve_policy, POLICY_RDP_AT (RD_ENCRYPTION_LEVEL_NONE) },
  { "rdp-xrdp-low",
    "like rdp-only at encryption level Low, choosing 40-bit RC4 whatever is "
    "offered, as xrdp does",
    serve_policy, POLICY_RDP_AT (RD_ENCRYPTION_LEVEL_LOW) | PARAM_XRDP_METHOD },
  { "legacy",
    "a bare 11-byte Connection Confirm without rdpNegData, whatever was asked "
    "(Windows 2000/XP/2003), then an MCS Connect Response as RDP 5.x",
    serve_legacy, 0 },
  { "silent",
    "accepts TCP and never answers; holds the socket until the client closes or 60 s",
    serve_silent, 0 },
  { "close-at-x224",
    "reads the Connection Request, then closes without answering",
    serve_close_at_x224, 0 },
  { "reset-at-x224",
    "reads the Connection Request, then resets the connection (RST)",
    serve_reset_at_x224, 0 },
  FAILURE_ENTRY (1, "SSL_REQUIRED_BY_SERVER"),
  FAILURE_ENTRY (2, "SSL_NOT_ALLOWED_BY_SERVER"),
  FAILURE_ENTRY (3, "SSL_CERT_NOT_ON_SERVER"),
  FAILURE_ENTRY (4, "INCONSISTENT_FLAGS"),
  FAILURE_ENTRY (5, "HYBRID_REQUIRED_BY_SERVER"),
  FAILURE_ENTRY (6, "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER"),
  { "failure",
    "every offer gets RDP_NEG_FAILURE with the code from --failure-code "
    "(any value, unknown ones too)",
    serve_failure, 0 },
  { "cert-key-inaccessible",
    "negotiates like windows, then resets the connection when the TLS "
    "ClientHello arrives (the RDP certificate's private key is unreadable)",
    serve_cert_key_inaccessible, 0 },
  { "no-credssp-answer",
    "negotiates like windows and completes TLS, then closes after the first "
    "TSRequest without answering it",
    serve_no_credssp_answer, 0 },
  /* hostile and broken peers */
  { "tpkt-length-0",
    "answers the CR with a Confirm whose TPKT length is 0, then silence",
    serve_spoilt_confirm, SPOIL (CC_TPKT_LENGTH, 2, 0) },
  { "tpkt-length-1",
    "answers the CR with a Confirm whose TPKT length is 1, then silence",
    serve_spoilt_confirm, SPOIL (CC_TPKT_LENGTH, 2, 1) },
  { "tpkt-length-3",
    "answers the CR with a Confirm whose TPKT length is 3, then silence",
    serve_spoilt_confirm, SPOIL (CC_TPKT_LENGTH, 2, 3) },
  { "tpkt-length-65535",
    "answers the CR with a Confirm whose TPKT length is 65535, then silence",
    serve_spoilt_confirm, SPOIL (CC_TPKT_LENGTH, 2, 65535) },
  { "tpkt-length-overrun",
    "answers the CR with a 19-byte Confirm whose TPKT length says 64, then silence",
    serve_spoilt_confirm, SPOIL (CC_TPKT_LENGTH, 2, 64) },
  { "tpkt-version",
    "answers the CR with a Confirm whose TPKT version is 2, not 3",
    serve_spoilt_confirm, SPOIL (CC_TPKT_VERSION, 1, 2) },
  { "x224-code-cr",
    "answers the CR with a Connection Request (X.224 code 0xE0) instead of a Confirm",
    serve_spoilt_confirm, SPOIL (CC_X224_CODE, 1, 0xe0) },
  { "x224-code-error",
    "answers the CR with an X.224 TPDU Error code (0x70) in the Confirm's place",
    serve_spoilt_confirm, SPOIL (CC_X224_CODE, 1, 0x70) },
  { "neg-length",
    "answers with an RDP_NEG_RSP whose length field is 9, not 8",
    serve_spoilt_confirm, SPOIL (CC_NEG_LENGTH, 2, 0x0900) },
  { "neg-type",
    "answers with rdpNegData of an unknown type (0x07)",
    serve_spoilt_confirm, SPOIL (CC_NEG_TYPE, 1, 0x07) },
  { "slow-drip",
    "answers like windows, but sends the Confirm one byte per second",
    serve_slow_drip, 1000 },
  { "answer-then-reset",
    "sends a valid Confirm selecting like windows, then resets the connection (RST)",
    serve_confirm_then_reset, G_MAXUINT32 },
  { "reset-mid-confirm",
    "sends the first 7 bytes of the Confirm, then resets the connection (RST)",
    serve_confirm_then_reset, 7 },
  { "endless-after-cr",
    "answers the CR with a TPKT header announcing 512 bytes, then zeros without end",
    serve_endless_after_cr, 0 },
  { "tls-garbage",
    "selects SSL like tls-only, then sends HTTP text instead of a ServerHello",
    serve_tls_garbage, 0 },
  { "reset-mid-tls",
    "negotiates like windows, sends a ServerHello record cut short, then resets (RST)",
    serve_reset_mid_tls, 0 },
  { "tls-huge-chain",
    "like windows, but the TLS Certificate message carries the certificate "
    "1400 times over (just over 1 MiB)",
    serve_huge_chain, 1400 },
  { "credssp-bad-der",
    "like windows up to the first TSRequest, then answers with DER that does not parse",
    serve_bad_tsrequest, 0 },
  { "credssp-length-2g",
    "like windows up to the first TSRequest, then answers with a SEQUENCE announcing 2^31 bytes",
    serve_bad_tsrequest, 1 },
  { "ntlm-av-overrun",
    "like windows, but the first AV pair of the NTLM CHALLENGE says it is "
    "32767 bytes long, past the end",
    serve_ntlm_av_overrun, 0x7fff },
  { "endless-in-tls",
    "like windows up to the first TSRequest, then a TSRequest announcing 65520 "
    "bytes and zeros without end inside TLS",
    serve_endless_in_tls, 0 },
  { "reset-mid-tsrequest",
    "like windows up to the first TSRequest, then half the CHALLENGE and a reset (RST)",
    serve_reset_mid_tsrequest, 0 },
};

#undef FAILURE_ENTRY

const RdsBehaviour *
rds_behaviour_lookup (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (behaviours); i++)
    if (g_strcmp0 (behaviours[i].name, name) == 0)
      return &behaviours[i];

  return NULL;
}

void
rds_behaviour_print_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (behaviours); i++)
    g_print ("%-22s %s\n", behaviours[i].name, behaviours[i].description);
}
