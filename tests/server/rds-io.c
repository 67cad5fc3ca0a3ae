/* rds-io.c: bounded, cancellable reads and writes for the scripted RDP server
 *
 * Every connection runs on its own thread and uses the GSocket in
 * non-blocking mode (as GSocket always keeps its fd), waiting with
 * g_socket_condition_timed_wait(): this gives each read its timeout and lets
 * the server's shutdown cancellable interrupt any wait, TLS ones included.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rds-io"

#include "config.h"

#include "rds-server.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/err.h>

gboolean
rds_conn_wait (RdsConn       *conn,
               GIOCondition   condition,
               gint64         timeout_us,
               GError       **error)
{
  if (timeout_us <= 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                           "Timed out waiting for the peer");
      return FALSE;
    }

  return g_socket_condition_timed_wait (conn->socket, condition, timeout_us,
                                        conn->cancellable, error);
}

gboolean
rds_conn_read_exact (RdsConn  *conn,
                     guint8   *buffer,
                     gsize     length,
                     GError  **error)
{
  gint64 deadline = g_get_monotonic_time () + RDS_READ_TIMEOUT_US;
  gsize done = 0;

  while (done < length)
    {
      g_autoptr(GError) local_error = NULL;
      gssize n;

      if (!rds_conn_wait (conn, G_IO_IN, deadline - g_get_monotonic_time (), error))
        return FALSE;

      n = g_socket_receive_with_blocking (conn->socket, (char *) buffer + done,
                                          length - done, FALSE,
                                          conn->cancellable, &local_error);
      if (n < 0)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            continue;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (n == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                       "The peer closed the connection after %" G_GSIZE_FORMAT
                       " of %" G_GSIZE_FORMAT " bytes", done, length);
          return FALSE;
        }
      done += n;
    }

  return TRUE;
}

gboolean
rds_conn_send_all (RdsConn       *conn,
                   const guint8  *data,
                   gsize          length,
                   GError       **error)
{
  gint64 deadline = g_get_monotonic_time () + RDS_READ_TIMEOUT_US;
  gsize done = 0;

  while (done < length)
    {
      g_autoptr(GError) local_error = NULL;
      gssize n;

      n = g_socket_send_with_blocking (conn->socket, (const char *) data + done,
                                       length - done, FALSE,
                                       conn->cancellable, &local_error);
      if (n < 0)
        {
          if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          if (!rds_conn_wait (conn, G_IO_OUT, deadline - g_get_monotonic_time (), error))
            return FALSE;
          continue;
        }
      done += n;
    }

  return TRUE;
}

/* One TPKT-framed PDU (RFC 1006): the 4-byte header says how long it is. */
GBytes *
rds_conn_read_tpkt (RdsConn  *conn,
                    GError  **error)
{
  guint8 header[RD_TPKT_HEADER_LENGTH];
  g_autofree guint8 *pdu = NULL;
  gssize length;

  if (!rds_conn_read_exact (conn, header, sizeof header, error))
    return NULL;

  length = rd_tpkt_get_pdu_length (header, sizeof header, RDS_MAX_PDU_LENGTH, error);
  if (length < 0)
    return NULL;
  if (length < RD_TPKT_HEADER_LENGTH)
    {
      g_set_error_literal (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                           "TPKT length shorter than its header");
      return NULL;
    }

  pdu = g_malloc (length);
  memcpy (pdu, header, sizeof header);
  if (!rds_conn_read_exact (conn, pdu + sizeof header, length - sizeof header, error))
    return NULL;

  return g_bytes_new_take (g_steal_pointer (&pdu), length);
}

gboolean
rds_conn_read_request (RdsConn       *conn,
                       RdX224Request *request,
                       GError       **error)
{
  g_autoptr(GBytes) pdu = NULL;
  const guint8 *data;
  gsize length;

  pdu = rds_conn_read_tpkt (conn, error);
  if (pdu == NULL)
    return FALSE;

  data = g_bytes_get_data (pdu, &length);
  if (!rd_x224_decode_connection_request (data, length, request, error))
    return FALSE;

  g_debug ("connection %u: CR cookie=%s negotiation=%d requested=0x%08x flags=0x%02x",
           conn->id, request->cookie ? request->cookie : "(none)",
           request->has_negotiation, request->requested_protocols, request->flags);
  return TRUE;
}

gboolean
rds_conn_send_confirm (RdsConn             *conn,
                       const RdX224Confirm *confirm,
                       GError             **error)
{
  g_autoptr(GBytes) pdu = rd_x224_encode_connection_confirm (confirm);
  const guint8 *data;
  gsize length;

  if (pdu == NULL)
    {
      g_set_error_literal (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                           "Could not encode the Connection Confirm");
      return FALSE;
    }

  data = g_bytes_get_data (pdu, &length);
  return rds_conn_send_all (conn, data, length, error);
}

/* Reads and drops whatever comes until the peer closes, the connection
 * fails, the server shuts down, or @timeout_us has passed in all. */
void
rds_conn_drain (RdsConn *conn,
                gint64   timeout_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      guint8 buffer[1024];
      gssize n;

      if (!rds_conn_wait (conn, G_IO_IN, deadline - g_get_monotonic_time (), &error))
        break;

      n = g_socket_receive_with_blocking (conn->socket, (char *) buffer, sizeof buffer,
                                          FALSE, conn->cancellable, &error);
      if (n == 0)
        break;
      if (n < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;
    }
}

/* An abortive close: SO_LINGER with a zero timeout makes close() send RST. */
void
rds_conn_reset (RdsConn *conn)
{
  struct linger linger = { .l_onoff = 1, .l_linger = 0 };

  if (setsockopt (g_socket_get_fd (conn->socket), SOL_SOCKET, SO_LINGER,
                  &linger, sizeof linger) != 0)
    g_debug ("connection %u: SO_LINGER: %s", conn->id, g_strerror (errno));

  g_socket_close (conn->socket, NULL);
}

/* Turns the last OpenSSL call's outcome into a wait or an error. */
static gboolean
tls_wait (RdsConn     *conn,
          int          ret,
          const char  *what,
          gint64       deadline,
          GError     **error)
{
  int ssl_error = SSL_get_error (conn->ssl, ret);
  unsigned long err;

  switch (ssl_error)
    {
    case SSL_ERROR_WANT_READ:
      return rds_conn_wait (conn, G_IO_IN, deadline - g_get_monotonic_time (), error);

    case SSL_ERROR_WANT_WRITE:
      return rds_conn_wait (conn, G_IO_OUT, deadline - g_get_monotonic_time (), error);

    case SSL_ERROR_ZERO_RETURN:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                   "%s: the peer closed the TLS connection", what);
      break;

    case SSL_ERROR_SYSCALL:
      err = ERR_peek_error ();
      if (err == 0 && errno == 0)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                     "%s: the peer closed the connection", what);
      else if (err == 0)
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                     "%s: %s", what, g_strerror (errno));
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     "%s: %s", what, ERR_reason_error_string (err));
      break;

    default:
      err = ERR_peek_error ();
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", what,
                   err != 0 ? ERR_reason_error_string (err) : "TLS error");
      break;
    }

  ERR_clear_error ();
  return FALSE;
}

gboolean
rds_conn_tls_accept (RdsConn  *conn,
                     GError  **error)
{
  gint64 deadline = g_get_monotonic_time () + RDS_READ_TIMEOUT_US;

  /* A behaviour may have made the SSL itself, to change what it sends. */
  if (conn->ssl == NULL)
    conn->ssl = SSL_new (conn->config->ssl_ctx);
  if (conn->ssl == NULL || SSL_set_fd (conn->ssl, g_socket_get_fd (conn->socket)) != 1)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not set up TLS");
      ERR_clear_error ();
      return FALSE;
    }

  for (;;)
    {
      int ret;

      ERR_clear_error ();
      errno = 0;
      ret = SSL_accept (conn->ssl);
      if (ret == 1)
        break;
      if (!tls_wait (conn, ret, "TLS handshake", deadline, error))
        return FALSE;
    }

  g_debug ("connection %u: TLS %s with %s", conn->id,
           SSL_get_version (conn->ssl), SSL_get_cipher_name (conn->ssl));
  return TRUE;
}

gboolean
rds_conn_tls_write_all (RdsConn       *conn,
                        const guint8  *data,
                        gsize          length,
                        GError       **error)
{
  gint64 deadline = g_get_monotonic_time () + RDS_READ_TIMEOUT_US;
  gsize done = 0;

  while (done < length)
    {
      size_t written = 0;
      int ret;

      ERR_clear_error ();
      errno = 0;
      ret = SSL_write_ex (conn->ssl, data + done, length - done, &written);
      if (ret == 1)
        {
          done += written;
          continue;
        }
      if (!tls_wait (conn, ret, "TLS write", deadline, error))
        return FALSE;
    }

  return TRUE;
}

/* Reads exactly one DER TSRequest (MS-CSSP 2.2.1) from inside TLS. */
gboolean
rds_conn_tls_read_tsrequest (RdsConn      *conn,
                             RdTsRequest  *request,
                             GError      **error)
{
  gint64 deadline = g_get_monotonic_time () + RDS_READ_TIMEOUT_US;
  g_autofree guint8 *buffer = g_malloc (RDS_MAX_PDU_LENGTH);
  gsize length = 0;

  for (;;)
    {
      size_t got = 0;
      int ret;

      if (length > 0)
        {
          gssize total = rd_tsrequest_get_length (buffer, length, RDS_MAX_PDU_LENGTH, error);

          if (total < 0)
            return FALSE;
          if (total > 0 && (gsize) total <= length)
            return rd_tsrequest_decode (buffer, total, request, error);
        }

      if (length == RDS_MAX_PDU_LENGTH)
        {
          g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_OVERSIZED,
                       "TSRequest longer than %d bytes", RDS_MAX_PDU_LENGTH);
          return FALSE;
        }

      ERR_clear_error ();
      errno = 0;
      ret = SSL_read_ex (conn->ssl, buffer + length, RDS_MAX_PDU_LENGTH - length, &got);
      if (ret == 1)
        {
          length += got;
          continue;
        }
      if (!tls_wait (conn, ret, "TLS read", deadline, error))
        return FALSE;
    }
}

/* Waits for the next message inside TLS (or the peer closing) for at most
 * @timeout_us; whatever comes is dropped. */
void
rds_conn_tls_drain (RdsConn *conn,
                    gint64   timeout_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      guint8 buffer[1024];
      size_t got = 0;
      int ret;

      ERR_clear_error ();
      errno = 0;
      ret = SSL_read_ex (conn->ssl, buffer, sizeof buffer, &got);
      if (ret == 1)
        {
          g_debug ("connection %u: %" G_GSIZE_FORMAT " bytes after the last answer; closing",
                   conn->id, (gsize) got);
          return;
        }
      if (!tls_wait (conn, ret, "TLS read", deadline, &error))
        {
          g_debug ("connection %u: %s", conn->id, error->message);
          return;
        }
    }
}
