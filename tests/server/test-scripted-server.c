/* test-scripted-server.c: drives rdp-doctor-test-server through every behaviour
 *
 * Each test starts the built server ($RD_TEST_SERVER) on 127.0.0.1 port 0,
 * reads its LISTENING line, talks to it the way a client would, and stops it
 * with SIGTERM, expecting exit status 0. Only loopback is ever used.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-scripted-server"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "rd-ntlm.h"
#include "rd-tsrequest.h"
#include "rd-x224.h"

#define CLIENT_TIMEOUT_S 5

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SSL_CTX, SSL_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SSL, SSL_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509, X509_free)

/* ---- the server process ---- */

typedef struct
{
  GSubprocess      *process;
  GDataInputStream *stdout_lines;
  char             *address;
  guint16           port;
} TestServer;

static char *
read_line (TestServer *server)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (server->stdout_lines, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (line);
  return line;
}

/* Runs in the forked child: a test that fails an assertion aborts without
 * reaching server_stop(), and the server must not outlive it. */
static void
die_with_parent (gpointer user_data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

static TestServer *
server_start_v (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_auto(GStrv) fields = NULL;
  const char *path = g_getenv ("RD_TEST_SERVER");
  gboolean has_listen = FALSE;
  TestServer *server;

  g_assert_nonnull (path);

  for (guint i = 0; args[i] != NULL; i++)
    if (g_str_equal (args[i], "--listen"))
      has_listen = TRUE;

  g_ptr_array_add (argv, (gpointer) path);
  if (!has_listen)
    {
      g_ptr_array_add (argv, (gpointer) "--listen");
      g_ptr_array_add (argv, (gpointer) "127.0.0.1");
    }
  g_ptr_array_add (argv, (gpointer) "--port");
  g_ptr_array_add (argv, (gpointer) "0");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  server = g_new0 (TestServer, 1);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata,
                                                  &error);
  g_assert_no_error (error);
  server->stdout_lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));

  line = read_line (server);
  g_test_message ("server: %s", line);
  fields = g_strsplit (line, " ", -1);
  g_assert_cmpuint (g_strv_length (fields), ==, 3);
  g_assert_cmpstr (fields[0], ==, "LISTENING");
  server->address = g_strdup (fields[1]);
  server->port = (guint16) g_ascii_strtoull (fields[2], NULL, 10);
  g_assert_cmpuint (server->port, >, 0);

  return server;
}

static TestServer *
server_start (const char *first_arg,
              ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  return server_start_v ((const char * const *) args->pdata);
}

static void
server_stop (TestServer *server)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (server->process, SIGTERM);
  g_subprocess_wait (server->process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (server->process));
  g_assert_cmpint (g_subprocess_get_exit_status (server->process), ==, 0);

  g_object_unref (server->stdout_lines);
  g_object_unref (server->process);
  g_free (server->address);
  g_free (server);
}

/* ---- a client ---- */

static GSocketConnection *
client_connect (TestServer *server)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (server->address);
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection;

  g_assert_nonnull (address);
  g_assert_true (g_inet_address_get_is_loopback (address));
  socket_address = g_inet_socket_address_new (address, server->port);

  /* Straight to loopback: never through a proxy from the environment */
  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_set_timeout (client, CLIENT_TIMEOUT_S);
  connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (socket_address),
                                        NULL, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (g_socket_connection_get_socket (connection), CLIENT_TIMEOUT_S);

  return connection;
}

static void
send_request (GSocketConnection *connection,
              guint32            protocols)
{
  g_autoptr(GBytes) request = rd_x224_encode_connection_request ("mstshash=test", protocols, 0);
  g_autoptr(GError) error = NULL;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  const guint8 *data;
  gsize length;

  g_assert_nonnull (request);
  data = g_bytes_get_data (request, &length);
  g_output_stream_write_all (out, data, length, NULL, NULL, &error);
  g_assert_no_error (error);
}

typedef enum
{
  OUTCOME_DATA,
  OUTCOME_EOF,
  OUTCOME_RESET,
  OUTCOME_TIMEOUT,
} Outcome;

/* Reads into @buffer until it is full; tells how the reading ended. */
static Outcome
read_bytes (GSocketConnection *connection,
            guint8            *buffer,
            gsize              length)
{
  GSocket *socket = g_socket_connection_get_socket (connection);
  gsize done = 0;

  while (done < length)
    {
      g_autoptr(GError) error = NULL;
      gssize n;

      if (!g_socket_condition_timed_wait (socket, G_IO_IN, g_socket_get_timeout (socket) * G_USEC_PER_SEC,
                                          NULL, &error))
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
          return OUTCOME_TIMEOUT;
        }

      errno = 0;
      n = recv (g_socket_get_fd (socket), buffer + done, length - done, 0);
      if (n == 0)
        return OUTCOME_EOF;
      if (n < 0 && errno == ECONNRESET)
        return OUTCOME_RESET;
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        continue;
      g_assert_cmpint (n, >, 0);
      done += n;
    }

  return OUTCOME_DATA;
}

static Outcome
read_confirm (GSocketConnection *connection,
              RdX224Confirm     *confirm)
{
  g_autoptr(GError) error = NULL;
  guint8 pdu[512];
  gssize length;
  Outcome outcome;

  outcome = read_bytes (connection, pdu, RD_TPKT_HEADER_LENGTH);
  if (outcome != OUTCOME_DATA)
    return outcome;

  length = rd_tpkt_get_pdu_length (pdu, RD_TPKT_HEADER_LENGTH, sizeof pdu, &error);
  g_assert_no_error (error);
  g_assert_cmpint (length, >, RD_TPKT_HEADER_LENGTH);
  outcome = read_bytes (connection, pdu + RD_TPKT_HEADER_LENGTH, length - RD_TPKT_HEADER_LENGTH);
  g_assert_cmpint (outcome, ==, OUTCOME_DATA);

  rd_x224_decode_connection_confirm (pdu, length, confirm, &error);
  g_assert_no_error (error);
  return OUTCOME_DATA;
}

/* One connection: send a CR offering @protocols, return the decoded CC. */
static void
negotiate (TestServer    *server,
           guint32        protocols,
           RdX224Confirm *confirm)
{
  g_autoptr(GSocketConnection) connection = client_connect (server);

  send_request (connection, protocols);
  g_assert_cmpint (read_confirm (connection, confirm), ==, OUTCOME_DATA);
}

static void
assert_selects (TestServer *server,
                guint32     offered,
                guint32     selected,
                guint8      flags)
{
  RdX224Confirm confirm = { 0, };

  negotiate (server, offered, &confirm);
  g_assert_cmpint (confirm.kind, ==, RD_X224_CONFIRM_RESPONSE);
  g_assert_cmphex (confirm.selected_protocol, ==, selected);
  g_assert_cmphex (confirm.flags, ==, flags);
}

static void
assert_fails (TestServer *server,
              guint32     offered,
              guint32     code)
{
  RdX224Confirm confirm = { 0, };

  negotiate (server, offered, &confirm);
  g_assert_cmpint (confirm.kind, ==, RD_X224_CONFIRM_FAILURE);
  g_assert_cmpuint (confirm.failure_code, ==, code);
}

/* ---- TLS and CredSSP, client side ---- */

static SSL *
tls_connect (GSocketConnection *connection,
             int                min_version,
             gboolean           expect_success)
{
  g_autoptr(SSL_CTX) ctx = SSL_CTX_new (TLS_client_method ());
  g_autoptr(GError) error = NULL;
  g_autoptr(SSL) ssl = NULL;
  int fd = g_socket_get_fd (g_socket_connection_get_socket (connection));
  struct timeval timeout = { .tv_sec = CLIENT_TIMEOUT_S };
  int ret;

  g_assert_nonnull (ctx);
  SSL_CTX_set_verify (ctx, SSL_VERIFY_NONE, NULL);
  g_assert_cmpint (SSL_CTX_set_min_proto_version (ctx, min_version), ==, 1);
  if (min_version < TLS1_2_VERSION)
    SSL_CTX_set_security_level (ctx, 0);

  /* A plain blocking fd with timeouts keeps the test client short. */
  g_unix_set_fd_nonblocking (fd, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout), ==, 0);
  g_assert_cmpint (setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout), ==, 0);

  ssl = SSL_new (ctx);
  g_assert_nonnull (ssl);
  SSL_set_fd (ssl, fd);
  ret = SSL_connect (ssl);
  if (expect_success)
    g_assert_cmpint (ret, ==, 1);
  else
    g_assert_cmpint (ret, !=, 1);
  ERR_clear_error ();

  return ret == 1 ? g_steal_pointer (&ssl) : NULL;
}

static void
tls_send_negotiate (SSL *ssl)
{
  g_autoptr(GBytes) token = rd_ntlm_encode_negotiate ();
  g_autoptr(GBytes) message = NULL;
  RdTsRequest request = { .version = 6, .nego_token = token };
  const guint8 *data;
  gsize length;
  size_t written = 0;

  message = rd_tsrequest_encode (&request);
  g_assert_nonnull (message);
  data = g_bytes_get_data (message, &length);
  g_assert_cmpint (SSL_write_ex (ssl, data, length, &written), ==, 1);
  g_assert_cmpuint (written, ==, length);
}

static void
tls_read_tsrequest (SSL         *ssl,
                    RdTsRequest *reply)
{
  g_autoptr(GError) error = NULL;
  guint8 buffer[8192];
  gsize length = 0;

  for (;;)
    {
      size_t got = 0;
      gssize total = 0;

      if (length > 0)
        {
          total = rd_tsrequest_get_length (buffer, length, sizeof buffer, &error);
          g_assert_no_error (error);
        }
      if (total > 0 && (gsize) total <= length)
        {
          rd_tsrequest_decode (buffer, total, reply, &error);
          g_assert_no_error (error);
          return;
        }
      g_assert_cmpuint (length, <, sizeof buffer);
      g_assert_cmpint (SSL_read_ex (ssl, buffer + length, sizeof buffer - length, &got), ==, 1);
      length += got;
    }
}

/* The anonymous NEGOTIATE → CHALLENGE round trip nmap's rdp-ntlm-info does. */
static void
credssp_challenge (TestServer      *server,
                   guint32          offered,
                   gint64          *credssp_version,
                   RdNtlmChallenge *challenge)
{
  g_autoptr(GSocketConnection) connection = client_connect (server);
  g_autoptr(SSL) ssl = NULL;
  g_autoptr(GError) error = NULL;
  RdX224Confirm confirm = { 0, };
  RdTsRequest reply = { 0, };
  const guint8 *data;
  gsize length;

  send_request (connection, offered);
  g_assert_cmpint (read_confirm (connection, &confirm), ==, OUTCOME_DATA);
  g_assert_cmpint (confirm.kind, ==, RD_X224_CONFIRM_RESPONSE);

  ssl = tls_connect (connection, TLS1_2_VERSION, TRUE);
  tls_send_negotiate (ssl);
  tls_read_tsrequest (ssl, &reply);
  *credssp_version = reply.version;
  g_assert_nonnull (reply.nego_token);
  data = g_bytes_get_data (reply.nego_token, &length);
  rd_ntlm_decode_challenge (data, length, challenge, &error);
  g_assert_no_error (error);
  rd_tsrequest_clear (&reply);
}

static gint64
asn1_time_to_unix (const ASN1_TIME *time)
{
  struct tm tm = { 0, };

  g_assert_cmpint (ASN1_TIME_to_tm (time, &tm), ==, 1);
  return timegm (&tm);
}

/* ---- tests ---- */

static void
test_list_behaviours (void)
{
  static const char *names[] = {
    "windows", "silent", "close-at-x224", "reset-at-x224", "tls-only", "rdp-only",
    "legacy", "failure-1", "failure-6", "cert-key-inaccessible", "no-credssp-answer",
  };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                              g_getenv ("RD_TEST_SERVER"), "--list-behaviours", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *needle = g_strdup_printf ("%s ", names[i]);

      g_assert_nonnull (strstr (out, needle));
    }
}

static void
assert_usage_error (const char *first_arg,
                    ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) g_getenv ("RD_TEST_SERVER"));
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 2);
}

/* The address checks come before any bind: nothing here ever listens. */
static void
test_usage_errors (void)
{
  assert_usage_error ("--listen", "0.0.0.0", NULL);
  assert_usage_error ("--listen", "192.0.2.1", NULL);
  assert_usage_error ("--listen", "::", NULL);
  assert_usage_error ("--listen", "not-an-address", NULL);
  assert_usage_error ("--listen", "127.0.0.1", "--listen", "192.0.2.1", NULL);
  assert_usage_error ("--listen-range", "127.0.0.1", NULL);
  assert_usage_error ("--listen-range", "127.255.255.250-128.0.0.1", NULL);
  assert_usage_error ("--listen-range", "127.0.0.9-127.0.0.1", NULL);
  assert_usage_error ("--listen-range", "127.0.0.1-127.1.0.0", NULL);
  assert_usage_error ("--listen-range", "::1-::1", NULL);
  assert_usage_error ("--behaviour", "no-such-behaviour", NULL);
  assert_usage_error ("--behaviour", "failure", NULL);
  assert_usage_error ("--tls-versions", "0.9", NULL);
  assert_usage_error ("--cert", "/nonexistent.pem", NULL);
  assert_usage_error ("--neg-flags", "xyz", NULL);
}

static void
test_windows_negotiation (void)
{
  TestServer *server = server_start (NULL);

  assert_selects (server, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID | RD_PROTOCOL_HYBRID_EX,
                  RD_PROTOCOL_HYBRID_EX, 0x1B);
  assert_selects (server, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID, RD_PROTOCOL_HYBRID, 0x1B);
  assert_selects (server, RD_PROTOCOL_SSL, RD_PROTOCOL_SSL, 0x1B);
  assert_fails (server, RD_PROTOCOL_RDP, RD_NEG_FAILURE_HYBRID_REQUIRED_BY_SERVER);

  server_stop (server);
}

static void
test_windows_credssp (void)
{
  TestServer *server = server_start ("--behaviour", "windows", NULL);
  RdNtlmChallenge challenge = { 0, };
  gint64 version = 0;
  gint64 skew_s;

  credssp_challenge (server, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID | RD_PROTOCOL_HYBRID_EX,
                     &version, &challenge);
  g_assert_cmpint (version, ==, 6);
  g_assert_cmpstr (challenge.nb_computer, ==, "DEMO-PC");
  g_assert_cmpstr (challenge.nb_domain, ==, "DEMO");
  g_assert_cmpstr (challenge.dns_computer, ==, "demo-pc.demo.example");
  g_assert_cmpstr (challenge.dns_domain, ==, "demo.example");
  g_assert_cmpstr (challenge.dns_tree, ==, "demo.example");
  g_assert_true (challenge.has_version);
  g_assert_cmpuint (challenge.version_major, ==, 10);
  g_assert_cmpuint (challenge.version_minor, ==, 0);
  g_assert_cmpuint (challenge.version_build, ==, 20348);
  g_assert_cmpuint (challenge.ntlm_revision, ==, 15);
  g_assert_true (challenge.has_timestamp);
  skew_s = (rd_ntlm_filetime_to_unix_us (challenge.timestamp) - g_get_real_time ()) / G_USEC_PER_SEC;
  g_assert_cmpint (ABS (skew_s), <=, 60);
  rd_ntlm_challenge_clear (&challenge);

  /* HYBRID without HYBRID_EX gets the same CredSSP answer */
  credssp_challenge (server, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID, &version, &challenge);
  g_assert_cmpstr (challenge.nb_computer, ==, "DEMO-PC");
  rd_ntlm_challenge_clear (&challenge);

  server_stop (server);
}

static void
test_windows_options (void)
{
  TestServer *server = server_start ("--computer-name", "srv-01.corp.example",
                                     "--clock-offset", "3600",
                                     "--credssp-version", "3",
                                     "--neg-flags", "0x01",
                                     NULL);
  RdNtlmChallenge challenge = { 0, };
  gint64 version = 0;
  gint64 skew_s;

  assert_selects (server, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID, RD_PROTOCOL_HYBRID, 0x01);

  credssp_challenge (server, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID, &version, &challenge);
  g_assert_cmpint (version, ==, 3);
  g_assert_cmpstr (challenge.nb_computer, ==, "SRV-01");
  g_assert_cmpstr (challenge.dns_computer, ==, "srv-01.corp.example");
  skew_s = (rd_ntlm_filetime_to_unix_us (challenge.timestamp) - g_get_real_time ()) / G_USEC_PER_SEC;
  g_assert_cmpint (skew_s, >=, 3600 - 60);
  g_assert_cmpint (skew_s, <=, 3600 + 60);
  rd_ntlm_challenge_clear (&challenge);

  server_stop (server);
}

static void
test_nla_enforced (void)
{
  TestServer *server = server_start ("--behaviour", "nla-enforced", NULL);

  assert_selects (server, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID, RD_PROTOCOL_HYBRID, 0x1B);
  assert_fails (server, RD_PROTOCOL_SSL, RD_NEG_FAILURE_HYBRID_REQUIRED_BY_SERVER);
  assert_fails (server, RD_PROTOCOL_RDP, RD_NEG_FAILURE_HYBRID_REQUIRED_BY_SERVER);

  server_stop (server);
}

static void
test_tls_only (void)
{
  TestServer *server = server_start ("--behaviour", "tls-only", NULL);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(SSL) ssl = NULL;
  RdX224Confirm confirm = { 0, };

  assert_selects (server, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID | RD_PROTOCOL_HYBRID_EX,
                  RD_PROTOCOL_SSL, 0x1B);
  assert_fails (server, RD_PROTOCOL_HYBRID, RD_NEG_FAILURE_SSL_REQUIRED_BY_SERVER);
  assert_fails (server, RD_PROTOCOL_RDP, RD_NEG_FAILURE_SSL_REQUIRED_BY_SERVER);

  /* and TLS itself works */
  connection = client_connect (server);
  send_request (connection, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID);
  g_assert_cmpint (read_confirm (connection, &confirm), ==, OUTCOME_DATA);
  ssl = tls_connect (connection, TLS1_2_VERSION, TRUE);
  g_assert_nonnull (ssl);

  server_stop (server);
}

static void
test_rdp_only (void)
{
  /* An 11-byte CR without RDP_NEG_REQ, as pre-RDP 5.2 clients send */
  static const guint8 bare_request[] = { 0x03, 0x00, 0x00, 0x0b, 0x06, 0xe0,
                                         0x00, 0x00, 0x00, 0x00, 0x00 };
  TestServer *server = server_start ("--behaviour", "rdp-only", NULL);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  RdX224Confirm confirm = { 0, };

  assert_fails (server, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID, RD_NEG_FAILURE_SSL_NOT_ALLOWED_BY_SERVER);
  assert_fails (server, RD_PROTOCOL_HYBRID, RD_NEG_FAILURE_SSL_NOT_ALLOWED_BY_SERVER);
  assert_selects (server, RD_PROTOCOL_RDP, RD_PROTOCOL_RDP, 0x1B);

  /* no RDP_NEG_REQ: no rdpNegData in the answer */
  connection = client_connect (server);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             bare_request, sizeof bare_request, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (read_confirm (connection, &confirm), ==, OUTCOME_DATA);
  g_assert_cmpint (confirm.kind, ==, RD_X224_CONFIRM_LEGACY);

  server_stop (server);
}

static void
test_legacy (void)
{
  TestServer *server = server_start ("--behaviour", "legacy", NULL);
  RdX224Confirm confirm = { 0, };

  negotiate (server, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID | RD_PROTOCOL_HYBRID_EX, &confirm);
  g_assert_cmpint (confirm.kind, ==, RD_X224_CONFIRM_LEGACY);

  server_stop (server);
}

static void
test_failure_codes (void)
{
  for (guint code = 1; code <= 6; code++)
    {
      g_autofree char *name = g_strdup_printf ("failure-%u", code);
      TestServer *server = server_start ("--behaviour", name, NULL);

      assert_fails (server, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID | RD_PROTOCOL_HYBRID_EX, code);
      assert_fails (server, RD_PROTOCOL_RDP, code);
      server_stop (server);
    }
}

static void
test_failure_generic (void)
{
  TestServer *server = server_start ("--failure-code", "9", NULL);

  assert_fails (server, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID, 9);
  server_stop (server);
}

static void
test_silent (void)
{
  TestServer *server = server_start ("--behaviour", "silent", NULL);
  g_autoptr(GSocketConnection) connection = client_connect (server);
  RdX224Confirm confirm = { 0, };

  g_socket_set_timeout (g_socket_connection_get_socket (connection), 1);
  send_request (connection, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID);
  g_assert_cmpint (read_confirm (connection, &confirm), ==, OUTCOME_TIMEOUT);

  /* SIGTERM must not wait for the 60 s hold */
  server_stop (server);
}

static void
test_close_at_x224 (void)
{
  TestServer *server = server_start ("--behaviour", "close-at-x224", NULL);
  g_autoptr(GSocketConnection) connection = client_connect (server);
  RdX224Confirm confirm = { 0, };

  send_request (connection, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID);
  g_assert_cmpint (read_confirm (connection, &confirm), ==, OUTCOME_EOF);

  server_stop (server);
}

static void
test_reset_at_x224 (void)
{
  TestServer *server = server_start ("--behaviour", "reset-at-x224", NULL);
  g_autoptr(GSocketConnection) connection = client_connect (server);
  RdX224Confirm confirm = { 0, };

  send_request (connection, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID);
  g_assert_cmpint (read_confirm (connection, &confirm), ==, OUTCOME_RESET);

  server_stop (server);
}

static void
test_cert_key_inaccessible (void)
{
  TestServer *server = server_start ("--behaviour", "cert-key-inaccessible", NULL);
  g_autoptr(GSocketConnection) connection = client_connect (server);
  g_autoptr(SSL) ssl = NULL;
  RdX224Confirm confirm = { 0, };

  send_request (connection, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID | RD_PROTOCOL_HYBRID_EX);
  g_assert_cmpint (read_confirm (connection, &confirm), ==, OUTCOME_DATA);
  g_assert_cmpint (confirm.kind, ==, RD_X224_CONFIRM_RESPONSE);
  g_assert_cmphex (confirm.selected_protocol, ==, RD_PROTOCOL_HYBRID_EX);

  ssl = tls_connect (connection, TLS1_2_VERSION, FALSE);
  g_assert_null (ssl);

  server_stop (server);
}

static void
test_no_credssp_answer (void)
{
  TestServer *server = server_start ("--behaviour", "no-credssp-answer", NULL);
  g_autoptr(GSocketConnection) connection = client_connect (server);
  g_autoptr(SSL) ssl = NULL;
  RdX224Confirm confirm = { 0, };
  guint8 buffer[64];
  size_t got = 0;

  send_request (connection, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID);
  g_assert_cmpint (read_confirm (connection, &confirm), ==, OUTCOME_DATA);
  g_assert_cmphex (confirm.selected_protocol, ==, RD_PROTOCOL_HYBRID);

  ssl = tls_connect (connection, TLS1_2_VERSION, TRUE);
  tls_send_negotiate (ssl);
  /* no answer: the connection ends (EOF, not a timeout) */
  errno = 0;
  g_assert_cmpint (SSL_read_ex (ssl, buffer, sizeof buffer, &got), ==, 0);
  g_assert_cmpint (errno, !=, EAGAIN);
  g_assert_cmpint (errno, !=, EWOULDBLOCK);
  ERR_clear_error ();

  server_stop (server);
}

static void
test_legacy_tls (void)
{
  TestServer *server = server_start ("--behaviour", "tls-only", "--tls-versions", "1.0", NULL);
  g_autoptr(GSocketConnection) old_client = client_connect (server);
  g_autoptr(GSocketConnection) new_client = client_connect (server);
  g_autoptr(SSL) ssl = NULL;
  g_autoptr(SSL) refused = NULL;
  RdX224Confirm confirm = { 0, };

  send_request (old_client, RD_PROTOCOL_SSL);
  g_assert_cmpint (read_confirm (old_client, &confirm), ==, OUTCOME_DATA);
  ssl = tls_connect (old_client, TLS1_VERSION, TRUE);
  g_assert_cmpint (SSL_version (ssl), ==, TLS1_VERSION);

  send_request (new_client, RD_PROTOCOL_SSL);
  g_assert_cmpint (read_confirm (new_client, &confirm), ==, OUTCOME_DATA);
  refused = tls_connect (new_client, TLS1_2_VERSION, FALSE);

  server_stop (server);
}

static void
test_certificate_options (void)
{
  TestServer *server = server_start ("--behaviour", "tls-only",
                                     "--cert-name", "expired.example",
                                     "--cert-days-valid", "-2",
                                     "--cert-not-before-offset", "-864000",
                                     NULL);
  g_autoptr(GSocketConnection) connection = client_connect (server);
  g_autoptr(SSL) ssl = NULL;
  g_autoptr(X509) cert = NULL;
  RdX224Confirm confirm = { 0, };
  char cn[256] = "";
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 not_before, not_after;

  send_request (connection, RD_PROTOCOL_SSL);
  g_assert_cmpint (read_confirm (connection, &confirm), ==, OUTCOME_DATA);
  ssl = tls_connect (connection, TLS1_2_VERSION, TRUE);
  cert = SSL_get1_peer_certificate (ssl);
  g_assert_nonnull (cert);

  X509_NAME_get_text_by_NID (X509_get_subject_name (cert), NID_commonName, cn, sizeof cn);
  g_assert_cmpstr (cn, ==, "expired.example");
  g_assert_cmpint (X509_check_host (cert, "expired.example", 0, 0, NULL), ==, 1);
  g_assert_cmpint (EVP_PKEY_get_bits (X509_get0_pubkey (cert)), ==, 2048);

  not_before = asn1_time_to_unix (X509_get0_notBefore (cert));
  not_after = asn1_time_to_unix (X509_get0_notAfter (cert));
  g_assert_cmpint (ABS (not_before - (now - 864000)), <=, 120);
  g_assert_cmpint (ABS (not_after - (now - 2 * 86400)), <=, 120);

  server_stop (server);
}

static void
test_default_certificate (void)
{
  TestServer *server = server_start (NULL);
  g_autoptr(GSocketConnection) connection = client_connect (server);
  g_autoptr(SSL) ssl = NULL;
  g_autoptr(X509) cert = NULL;
  RdX224Confirm confirm = { 0, };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  send_request (connection, RD_PROTOCOL_SSL);
  g_assert_cmpint (read_confirm (connection, &confirm), ==, OUTCOME_DATA);
  ssl = tls_connect (connection, TLS1_2_VERSION, TRUE);
  cert = SSL_get1_peer_certificate (ssl);
  g_assert_nonnull (cert);
  g_assert_cmpint (X509_check_host (cert, "rdp-doctor-demo", 0, 0, NULL), ==, 1);
  g_assert_cmpint (ABS (asn1_time_to_unix (X509_get0_notBefore (cert)) - (now - 86400)), <=, 120);
  g_assert_cmpint (ABS (asn1_time_to_unix (X509_get0_notAfter (cert)) - (now + 180 * 86400)), <=, 120);

  server_stop (server);
}

static void
test_script (void)
{
  TestServer *server = server_start ("--behaviour", "close-at-x224",
                                     "--behaviour", "failure-3",
                                     "--behaviour", "windows",
                                     NULL);
  g_autoptr(GSocketConnection) connection = client_connect (server);
  RdX224Confirm confirm = { 0, };

  send_request (connection, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID);
  g_assert_cmpint (read_confirm (connection, &confirm), ==, OUTCOME_EOF);
  assert_fails (server, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID, 3);
  assert_selects (server, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID, RD_PROTOCOL_HYBRID, 0x1B);
  assert_selects (server, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID, RD_PROTOCOL_HYBRID, 0x1B);

  server_stop (server);
}

static void
test_switch_on_sigusr1 (void)
{
  TestServer *server = server_start ("--behaviour", "failure-5", "--then", "windows", NULL);
  g_autofree char *line = NULL;

  assert_fails (server, RD_PROTOCOL_SSL, RD_NEG_FAILURE_HYBRID_REQUIRED_BY_SERVER);
  assert_fails (server, RD_PROTOCOL_SSL, RD_NEG_FAILURE_HYBRID_REQUIRED_BY_SERVER);

  g_subprocess_send_signal (server->process, SIGUSR1);
  line = read_line (server);
  g_assert_cmpstr (line, ==, "SWITCHED windows");

  assert_selects (server, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID, RD_PROTOCOL_HYBRID, 0x1B);

  server_stop (server);
}

#define N_IDLE_CLIENTS 60

/* Idle clients each hold a server thread; a new client is still served
 * before their 10 s read timeout, and SIGTERM ends everything before it too
 * (the bounds leave room for running the server under valgrind). */
static void
test_concurrent (void)
{
  TestServer *server = server_start (NULL);
  GSocketConnection *idle[N_IDLE_CLIENTS];
  RdNtlmChallenge challenge = { 0, };
  gint64 version = 0;
  gint64 start;

  for (guint i = 0; i < N_IDLE_CLIENTS; i++)
    idle[i] = client_connect (server);

  start = g_get_monotonic_time ();
  credssp_challenge (server, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID, &version, &challenge);
  g_assert_cmpstr (challenge.nb_computer, ==, "DEMO-PC");
  rd_ntlm_challenge_clear (&challenge);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 8 * G_USEC_PER_SEC);

  /* Half of them now speak: all get answers. */
  for (guint i = 0; i < N_IDLE_CLIENTS; i += 2)
    send_request (idle[i], RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID);
  for (guint i = 0; i < N_IDLE_CLIENTS; i += 2)
    {
      RdX224Confirm confirm = { 0, };

      g_assert_cmpint (read_confirm (idle[i], &confirm), ==, OUTCOME_DATA);
      g_assert_cmphex (confirm.selected_protocol, ==, RD_PROTOCOL_HYBRID);
    }

  start = g_get_monotonic_time ();
  server_stop (server);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 8 * G_USEC_PER_SEC);

  for (guint i = 0; i < N_IDLE_CLIENTS; i++)
    g_object_unref (idle[i]);
}

static void
test_ipv6 (void)
{
  g_autoptr(GSocket) probe = NULL;
  g_autoptr(GInetAddress) loopback6 = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback6, 0);
  TestServer *server;

  probe = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  if (probe == NULL || !g_socket_bind (probe, any_port, FALSE, NULL))
    {
      g_test_skip ("no IPv6 loopback here");
      return;
    }
  g_clear_object (&probe);

  server = server_start ("--listen", "::1", NULL);
  g_assert_cmpstr (server->address, ==, "::1");
  assert_selects (server, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID, RD_PROTOCOL_HYBRID, 0x1B);
  server_stop (server);
}

/* Several addresses (the benchmarks' fleets): one port, one LISTENING line
 * each in the order given, and every one of them answers. */
static void
test_listen_many (void)
{
  static const char *expected[] = { "127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4" };
  TestServer *server = server_start ("--listen", "127.0.0.1",
                                     "--listen-range", "127.0.0.2-127.0.0.4", NULL);

  g_assert_cmpstr (server->address, ==, expected[0]);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      if (i > 0)
        {
          g_autofree char *line = read_line (server);
          g_autofree char *want = g_strdup_printf ("LISTENING %s %u", expected[i], server->port);

          g_assert_cmpstr (line, ==, want);
          g_free (server->address);
          server->address = g_strdup (expected[i]);
        }
      assert_selects (server, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID, RD_PROTOCOL_HYBRID, 0x1B);
    }

  server_stop (server);
}

static void
test_ready_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("rds-test-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *expected = NULL;
  TestServer *server;

  g_assert_no_error (error);
  path = g_build_filename (dir, "ready", NULL);
  server = server_start ("--ready-file", path, NULL);

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  expected = g_strdup_printf ("LISTENING %s %u\n", server->address, server->port);
  g_assert_cmpstr (contents, ==, expected);

  server_stop (server);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("RD_TEST_SERVER") == NULL)
    {
      g_printerr ("RD_TEST_SERVER is not set\n");
      return 77;
    }

  /* A server that dies mid-write must not kill the test with SIGPIPE. */
  signal (SIGPIPE, SIG_IGN);

  g_test_add_func ("/RdpDoctor/TestServer/list-behaviours", test_list_behaviours);
  g_test_add_func ("/RdpDoctor/TestServer/usage-errors", test_usage_errors);
  g_test_add_func ("/RdpDoctor/TestServer/windows/negotiation", test_windows_negotiation);
  g_test_add_func ("/RdpDoctor/TestServer/windows/credssp", test_windows_credssp);
  g_test_add_func ("/RdpDoctor/TestServer/windows/options", test_windows_options);
  g_test_add_func ("/RdpDoctor/TestServer/windows/default-certificate", test_default_certificate);
  g_test_add_func ("/RdpDoctor/TestServer/nla-enforced", test_nla_enforced);
  g_test_add_func ("/RdpDoctor/TestServer/tls-only", test_tls_only);
  g_test_add_func ("/RdpDoctor/TestServer/rdp-only", test_rdp_only);
  g_test_add_func ("/RdpDoctor/TestServer/legacy", test_legacy);
  g_test_add_func ("/RdpDoctor/TestServer/failure-N", test_failure_codes);
  g_test_add_func ("/RdpDoctor/TestServer/failure-code", test_failure_generic);
  g_test_add_func ("/RdpDoctor/TestServer/silent", test_silent);
  g_test_add_func ("/RdpDoctor/TestServer/close-at-x224", test_close_at_x224);
  g_test_add_func ("/RdpDoctor/TestServer/reset-at-x224", test_reset_at_x224);
  g_test_add_func ("/RdpDoctor/TestServer/cert-key-inaccessible", test_cert_key_inaccessible);
  g_test_add_func ("/RdpDoctor/TestServer/no-credssp-answer", test_no_credssp_answer);
  g_test_add_func ("/RdpDoctor/TestServer/legacy-tls", test_legacy_tls);
  g_test_add_func ("/RdpDoctor/TestServer/certificate-options", test_certificate_options);
  g_test_add_func ("/RdpDoctor/TestServer/script", test_script);
  g_test_add_func ("/RdpDoctor/TestServer/switch-on-sigusr1", test_switch_on_sigusr1);
  g_test_add_func ("/RdpDoctor/TestServer/concurrent", test_concurrent);
  g_test_add_func ("/RdpDoctor/TestServer/ipv6", test_ipv6);
  g_test_add_func ("/RdpDoctor/TestServer/listen-many", test_listen_many);
  g_test_add_func ("/RdpDoctor/TestServer/ready-file", test_ready_file);

  return g_test_run ();
}
