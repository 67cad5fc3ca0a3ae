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

/* After an RDP_NEG_RSP that selected TLS: the handshake, then the first
 * CredSSP round trip when CredSSP was selected. */
static gboolean
serve_after_selection (RdsConn  *conn,
                       guint32   selected,
                       GError  **error)
{
  RdTsRequest request = { 0, };
  g_autoptr(GBytes) reply = NULL;
  const guint8 *data;
  gsize length;
  gboolean ok;

  if (!is_tls_protocol (selected))
    {
      /* Standard RDP Security would go on with MCS; we stop here. */
      rds_conn_drain (conn, RDS_READ_TIMEOUT_US);
      return TRUE;
    }

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

  if (!negotiate (conn, (Policy) behaviour->param, &confirm, &error))
    {
      report (conn, "negotiation", error);
      return;
    }

  if (confirm.kind != RD_X224_CONFIRM_RESPONSE)
    return;  /* Windows closes right after a failure (spec 3.3.5.3.1) */

  if (!serve_after_selection (conn, confirm.selected_protocol, &error))
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

  /* A legacy server would wait for MCS Connect Initial */
  rds_conn_drain (conn, RDS_READ_TIMEOUT_US);
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
    "(SSL_NOT_ALLOWED_BY_SERVER); PROTOCOL_RDP alone gets RDP selected",
    serve_policy, POLICY_RDP_ONLY },
  { "legacy",
    "a bare 11-byte Connection Confirm without rdpNegData, whatever was asked "
    "(Windows 2000/XP/2003)",
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
