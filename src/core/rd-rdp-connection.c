/* rd-rdp-connection.c: one TCP connection to an RDP server, taken through the
 * phases a client goes through: X.224 negotiation, TLS, CredSSP
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-rdp-connection"

#include "config.h"

#include <errno.h>
#include <openssl/err.h>

#include "rd-net.h"
#include "rd-openssl-private.h"
#include "rd-rdp-connection.h"

/* A Connection Confirm is 11 or 19 bytes; anything much longer is not one. */
#define MAX_CONFIRM_LENGTH 512

/* The server's certificate chain, as the TLS Certificate message carries it:
 * an RDP host's is a few kilobytes. A server that sends more is refused in
 * the handshake ("excessive message size") before OpenSSL keeps any of it.
 * OpenSSL's own default is the same; stating it keeps the bound ours. */
#define MAX_CERTIFICATE_CHAIN_LENGTH (100 * 1024)

struct _RdRdpConnection
{
  GObject        parent_instance;

  GSocket       *socket;
  RdPhase        phase;       /* the last phase entered */
  RdX224Confirm  confirm;
  gboolean       have_confirm;
  SSL_CTX       *ssl_ctx;
  SSL           *ssl;
  char          *server_name; /* sent as SNI, or NULL */
};

G_DEFINE_FINAL_TYPE (RdRdpConnection, rd_rdp_connection, G_TYPE_OBJECT)
G_DEFINE_QUARK (rd-rdp-error-quark, rd_rdp_error)

static const char * const phase_names[] = {
  [RD_PHASE_TCP] = "tcp",
  [RD_PHASE_X224] = "x224",
  [RD_PHASE_TLS] = "tls",
  [RD_PHASE_CREDSSP] = "credssp",
};

const char *
rd_phase_to_string (RdPhase phase)
{
  g_return_val_if_fail (phase <= RD_PHASE_CREDSSP, "tcp");
  return phase_names[phase];
}

/* Turns a socket error into what it says about the server. */
static void
set_io_error (GError     **error,
              GError      *io_error,
              const char  *doing)
{
  int code = RD_RDP_ERROR_FAILED;

  if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    code = RD_RDP_ERROR_TIMEOUT;
  else if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
           g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
    code = RD_RDP_ERROR_RESET;
  else if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, io_error);
      return;
    }

  g_set_error (error, RD_RDP_ERROR, code, "%s: %s", doing, io_error->message);
  g_error_free (io_error);
}

static void
rd_rdp_connection_finalize (GObject *object)
{
  RdRdpConnection *self = (RdRdpConnection *)object;

  g_clear_pointer (&self->ssl, SSL_free);
  g_clear_pointer (&self->ssl_ctx, SSL_CTX_free);
  g_clear_pointer (&self->server_name, g_free);
  if (self->socket != NULL)
    g_socket_close (self->socket, NULL);
  g_clear_object (&self->socket);

  G_OBJECT_CLASS (rd_rdp_connection_parent_class)->finalize (object);
}

static void
rd_rdp_connection_class_init (RdRdpConnectionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rd_rdp_connection_finalize;
}

static void
rd_rdp_connection_init (RdRdpConnection *self)
{
  self->phase = RD_PHASE_TCP;
}

/**
 * rd_rdp_connection_new:
 * @socket: a connected TCP socket; the connection owns it from now on
 */
RdRdpConnection *
rd_rdp_connection_new (GSocket *socket)
{
  RdRdpConnection *self;

  g_return_val_if_fail (G_IS_SOCKET (socket), NULL);

  self = g_object_new (RD_TYPE_RDP_CONNECTION, NULL);
  self->socket = g_object_ref (socket);
  return self;
}

/**
 * rd_rdp_connection_set_server_name:
 * @name: (nullable): the name to send as SNI in the TLS handshake
 *
 * RDP clients connect by name without SNI mattering, but an HTTPS front (an RD
 * Gateway, a reverse proxy) may choose its certificate by it.
 */
void
rd_rdp_connection_set_server_name (RdRdpConnection *self,
                                   const char      *name)
{
  g_return_if_fail (RD_IS_RDP_CONNECTION (self));
  g_return_if_fail (self->ssl == NULL);

  g_free (self->server_name);
  self->server_name = g_strdup (name);
}

GSocket *
rd_rdp_connection_get_socket (RdRdpConnection *self)
{
  g_return_val_if_fail (RD_IS_RDP_CONNECTION (self), NULL);
  return self->socket;
}

RdPhase
rd_rdp_connection_get_phase (RdRdpConnection *self)
{
  g_return_val_if_fail (RD_IS_RDP_CONNECTION (self), RD_PHASE_TCP);
  return self->phase;
}

/**
 * rd_rdp_connection_negotiate:
 * @requested_protocols: RD_PROTOCOL_* flags to offer
 * @confirm: (out): the server's answer
 *
 * Sends an X.224 Connection Request with RDP_NEG_REQ and reads the Confirm.
 * An RDP_NEG_FAILURE is an answer, not an error.
 *
 * Returns: %FALSE with an #RD_RDP_ERROR when no valid answer came
 */
gboolean
rd_rdp_connection_negotiate (RdRdpConnection  *self,
                             guint32           requested_protocols,
                             gint64            deadline_us,
                             GCancellable     *cancellable,
                             RdX224Confirm    *confirm,
                             GError          **error)
{
  g_autoptr(GBytes) request = NULL;
  guint8 buffer[MAX_CONFIRM_LENGTH];
  gsize have = 0;
  gssize pdu_length = 0;
  GError *io_error = NULL;
  g_autoptr(GError) proto_error = NULL;

  g_return_val_if_fail (RD_IS_RDP_CONNECTION (self), FALSE);
  g_return_val_if_fail (self->phase == RD_PHASE_TCP, FALSE);

  self->phase = RD_PHASE_X224;
  /* No cookie: it would name a user, and the server ignores it (MS-RDPBCGR 3.3.5.3.1). */
  request = rd_x224_encode_connection_request (NULL, requested_protocols, 0);
  if (!rd_net_write_all (self->socket, g_bytes_get_data (request, NULL), g_bytes_get_size (request),
                         deadline_us, cancellable, &io_error))
    {
      set_io_error (error, io_error, "sending the connection request");
      return FALSE;
    }

  while (pdu_length == 0 || have < (gsize) pdu_length)
    {
      gssize n = rd_net_read_some (self->socket, buffer + have,
                                   (pdu_length > 0 ? (gsize) pdu_length : sizeof buffer) - have,
                                   deadline_us, cancellable, &io_error);

      if (n < 0)
        {
          set_io_error (error, io_error, have == 0 ? "waiting for the connection confirm"
                                                   : "reading the connection confirm");
          return FALSE;
        }
      if (n == 0)
        {
          g_set_error (error, RD_RDP_ERROR, RD_RDP_ERROR_CLOSED,
                       have == 0 ? "the server closed the connection without answering"
                                 : "the server closed the connection in the middle of its answer");
          return FALSE;
        }
      have += (gsize) n;

      if (pdu_length == 0)
        {
          pdu_length = rd_tpkt_get_pdu_length (buffer, have, sizeof buffer, &proto_error);
          if (pdu_length < 0)
            {
              g_set_error (error, RD_RDP_ERROR, RD_RDP_ERROR_PROTOCOL,
                           "not a connection confirm: %s", proto_error->message);
              return FALSE;
            }
          if (pdu_length > 0 && have > (gsize) pdu_length)
            have = (gsize) pdu_length;  /* the server spoke before its turn: ignore the rest */
        }
    }

  /* Some servers (xrdp to an RDSAAD offer) answer an offer they will not take
   * with an X.224 Data TPDU carrying an MCS Disconnect Provider Ultimatum, or a
   * Disconnect Request: a refusal, not a broken service. */
  if (have > RD_TPKT_HEADER_LENGTH + 1 &&
      ((buffer[RD_TPKT_HEADER_LENGTH + 1] & 0xF0) == 0xF0 || (buffer[RD_TPKT_HEADER_LENGTH + 1] & 0xF0) == 0x80))
    {
      g_set_error (error, RD_RDP_ERROR, RD_RDP_ERROR_REFUSED,
                   "the server answered with a disconnect instead of a connection confirm");
      return FALSE;
    }

  if (!rd_x224_decode_connection_confirm (buffer, have, &self->confirm, &proto_error))
    {
      g_set_error (error, RD_RDP_ERROR, RD_RDP_ERROR_PROTOCOL,
                   "not a valid connection confirm: %s", proto_error->message);
      return FALSE;
    }

  self->have_confirm = TRUE;
  if (confirm != NULL)
    *confirm = self->confirm;
  return TRUE;
}

/**
 * rd_rdp_connection_get_confirm:
 *
 * Returns: (nullable): the Connection Confirm, once negotiated
 */
const RdX224Confirm *
rd_rdp_connection_get_confirm (RdRdpConnection *self)
{
  g_return_val_if_fail (RD_IS_RDP_CONNECTION (self), NULL);
  return self->have_confirm ? &self->confirm : NULL;
}

/* Waits for what OpenSSL asked for, or fails with the reason. */
static gboolean
handle_ssl_result (RdRdpConnection  *self,
                   int               result,
                   gint64            deadline_us,
                   GCancellable     *cancellable,
                   const char       *doing,
                   GError          **error)
{
  int ssl_error = SSL_get_error (self->ssl, result);
  int saved_errno = errno;
  GError *io_error = NULL;
  unsigned long code;
  char reason[256];

  switch (ssl_error)
    {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
      {
        gint64 remaining = deadline_us - g_get_monotonic_time ();

        if (remaining <= 0)
          {
            g_set_error (error, RD_RDP_ERROR, RD_RDP_ERROR_TIMEOUT, "%s: no answer before the deadline", doing);
            return FALSE;
          }
        if (!g_socket_condition_timed_wait (self->socket,
                                            ssl_error == SSL_ERROR_WANT_READ ? G_IO_IN : G_IO_OUT,
                                            remaining, cancellable, &io_error))
          {
            set_io_error (error, io_error, doing);
            return FALSE;
          }
        return TRUE;
      }

    case SSL_ERROR_ZERO_RETURN:
      g_set_error (error, RD_RDP_ERROR, RD_RDP_ERROR_CLOSED, "%s: the server closed the TLS session", doing);
      return FALSE;

    case SSL_ERROR_SYSCALL:
      if (ERR_peek_error () == 0 && (saved_errno == ECONNRESET || saved_errno == EPIPE))
        g_set_error (error, RD_RDP_ERROR, RD_RDP_ERROR_RESET, "%s: the server reset the connection", doing);
      else if (ERR_peek_error () == 0 && saved_errno == 0)
        g_set_error (error, RD_RDP_ERROR, RD_RDP_ERROR_CLOSED, "%s: the server closed the connection", doing);
      else
        g_set_error (error, RD_RDP_ERROR, RD_RDP_ERROR_FAILED, "%s: %s", doing, g_strerror (saved_errno));
      return FALSE;

    case SSL_ERROR_SSL:
    default:
      code = ERR_peek_last_error ();
      /* OpenSSL 3 reports an unexpected EOF as an SSL error, not a syscall one */
      if (ERR_GET_REASON (code) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
        {
          g_set_error (error, RD_RDP_ERROR, RD_RDP_ERROR_CLOSED, "%s: the server closed the connection", doing);
          return FALSE;
        }
      ERR_error_string_n (code, reason, sizeof reason);
      g_set_error (error, RD_RDP_ERROR, RD_RDP_ERROR_TLS, "%s: %s", doing,
                   ERR_reason_error_string (code) != NULL ? ERR_reason_error_string (code) : reason);
      return FALSE;
    }
}

/* OpenSSL 3 makes a context slowly (it loads its configuration and looks up
 * every algorithm), far slower than a loopback handshake; a configured context
 * is safe to share between threads. So there is one per policy and version,
 * made on first use. Client-side session caching is off by default, so no
 * handshake is ever resumed: each one shows the certificate. */
static SSL_CTX *
client_context_new (RdTlsPolicy policy,
                    int         only_version)
{
  SSL_CTX *ctx = SSL_CTX_new (TLS_client_method ());

  if (ctx == NULL)
    return NULL;
  SSL_CTX_set_verify (ctx, SSL_VERIFY_NONE, NULL);
  SSL_CTX_set_max_cert_list (ctx, MAX_CERTIFICATE_CHAIN_LENGTH);
  if (policy == RD_TLS_POLICY_PERMISSIVE)
    {
      SSL_CTX_set_security_level (ctx, 0);
      SSL_CTX_set_min_proto_version (ctx, TLS1_VERSION);
      SSL_CTX_set_cipher_list (ctx, "ALL:@SECLEVEL=0");
      /* Old Windows servers do not do secure renegotiation (RFC 5746) */
      SSL_CTX_set_options (ctx, SSL_OP_LEGACY_SERVER_CONNECT);
    }
  if (only_version != 0)
    {
      SSL_CTX_set_min_proto_version (ctx, only_version);
      SSL_CTX_set_max_proto_version (ctx, only_version);
    }
  return ctx;
}

/* Returns: (transfer full) (nullable): the shared context, a reference of the caller's */
static SSL_CTX *
client_context_get (RdTlsPolicy policy,
                    int         only_version)
{
  /* versions: 0 (the policy's range), then TLS 1.0 to 1.3 */
  static SSL_CTX *contexts[RD_TLS_POLICY_PERMISSIVE + 1][5];
  static GMutex lock;
  guint slot = only_version == 0 ? 0 : (guint) (only_version - TLS1_VERSION) + 1;
  SSL_CTX *ctx;

  if (slot >= G_N_ELEMENTS (contexts[0]))
    return client_context_new (policy, only_version);

  g_mutex_lock (&lock);
  if (contexts[policy][slot] == NULL)
    contexts[policy][slot] = client_context_new (policy, only_version);
  ctx = contexts[policy][slot];
  if (ctx != NULL)
    SSL_CTX_up_ref (ctx);
  g_mutex_unlock (&lock);
  return ctx;
}

/**
 * rd_rdp_connection_start_tls:
 * @policy: this machine's defaults, or anything the server can do
 * @only_version: a TLS1_x_VERSION to allow alone, or 0 for the policy's range
 *
 * The TLS handshake right after a Confirm that selected SSL or HYBRID. The
 * server's certificate is inspected, not trusted: RDP servers mostly present
 * self-signed ones, and judging them is the tls check's work.
 */
gboolean
rd_rdp_connection_start_tls (RdRdpConnection  *self,
                             RdTlsPolicy       policy,
                             int               only_version,
                             gint64            deadline_us,
                             GCancellable     *cancellable,
                             GError          **error)
{
  g_return_val_if_fail (RD_IS_RDP_CONNECTION (self), FALSE);
  g_return_val_if_fail (self->ssl == NULL, FALSE);

  self->phase = RD_PHASE_TLS;
  ERR_clear_error ();
  self->ssl_ctx = client_context_get (policy, only_version);
  if (self->ssl_ctx == NULL)
    {
      g_set_error_literal (error, RD_RDP_ERROR, RD_RDP_ERROR_FAILED, "OpenSSL could not make a TLS context");
      return FALSE;
    }

  self->ssl = SSL_new (self->ssl_ctx);
  SSL_set_fd (self->ssl, g_socket_get_fd (self->socket));
  if (self->server_name != NULL)
    SSL_set_tlsext_host_name (self->ssl, self->server_name);

  for (;;)
    {
      int result;

      ERR_clear_error ();
      errno = 0;
      result = SSL_connect (self->ssl);
      if (result == 1)
        return TRUE;
      if (!handle_ssl_result (self, result, deadline_us, cancellable, "TLS handshake", error))
        return FALSE;
    }
}

/**
 * rd_rdp_connection_get_ssl:
 *
 * Returns: (transfer none) (nullable): the TLS session, once started
 */
SSL *
rd_rdp_connection_get_ssl (RdRdpConnection *self)
{
  g_return_val_if_fail (RD_IS_RDP_CONNECTION (self), NULL);
  return self->ssl;
}

gboolean
rd_rdp_connection_tls_write (RdRdpConnection  *self,
                             const guint8     *data,
                             gsize             length,
                             gint64            deadline_us,
                             GCancellable     *cancellable,
                             GError          **error)
{
  gsize written = 0;

  g_return_val_if_fail (RD_IS_RDP_CONNECTION (self), FALSE);
  g_return_val_if_fail (self->ssl != NULL, FALSE);

  while (written < length)
    {
      size_t n = 0;

      ERR_clear_error ();
      errno = 0;
      if (SSL_write_ex (self->ssl, data + written, length - written, &n))
        written += n;
      else if (!handle_ssl_result (self, 0, deadline_us, cancellable, "sending over TLS", error))
        return FALSE;
    }
  return TRUE;
}

/**
 * rd_rdp_connection_tls_read:
 *
 * Returns: bytes read, or -1 with an #RD_RDP_ERROR (%RD_RDP_ERROR_CLOSED at the end)
 */
gssize
rd_rdp_connection_tls_read (RdRdpConnection  *self,
                            guint8           *buffer,
                            gsize             length,
                            gint64            deadline_us,
                            GCancellable     *cancellable,
                            GError          **error)
{
  g_return_val_if_fail (RD_IS_RDP_CONNECTION (self), -1);
  g_return_val_if_fail (self->ssl != NULL, -1);

  for (;;)
    {
      size_t n = 0;

      ERR_clear_error ();
      errno = 0;
      if (SSL_read_ex (self->ssl, buffer, length, &n))
        return (gssize) n;
      if (!handle_ssl_result (self, 0, deadline_us, cancellable, "reading over TLS", error))
        return -1;
    }
}
