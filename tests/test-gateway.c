/* test-gateway.c: the gateway check against a local HTTPS server acting as an
 * RD Gateway, a web server, a redirect, a TLS-inspecting proxy, a closed and a
 * silent port; and what the diagnosis makes of each
 *
 * The server runs in its own thread with its own main context (as GNOME
 * Calendar's tests/gcal-simple-server.c does), since the check blocks the
 * thread that runs it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsoup/soup.h>
#include <locale.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <string.h>

#include "rd-core.h"
#include "rd-gateway-check.h"
#include "rd-openssl-private.h"

typedef enum
{
  MODE_GATEWAY,    /* 401 with WWW-Authenticate: Negotiate, NTLM */
  MODE_WEB,        /* 200 and a web page */
  MODE_REDIRECT,   /* 302 to a sign-in page */
} Mode;

typedef struct
{
  Mode             mode;
  GTlsCertificate *certificate;
  GMainContext    *context;
  GMainLoop       *loop;
  GThread         *thread;
  GMutex           mutex;
  GCond            cond;
  gboolean         ready;
  guint16          port;
  /* what the last request looked like */
  char            *method;
  char            *path;
  char            *connection_id;
  char            *user_agent;
} TestServer;

/* ---- certificates -------------------------------------------------------- */

typedef struct
{
  X509     *certificate;
  EVP_PKEY *key;
} Pair;

static void
pair_clear (Pair *pair)
{
  g_clear_pointer (&pair->certificate, X509_free);
  g_clear_pointer (&pair->key, EVP_PKEY_free);
}

static void
add_extension (X509       *certificate,
               X509       *issuer,
               int         nid,
               const char *value)
{
  X509V3_CTX ctx;
  X509_EXTENSION *extension;

  X509V3_set_ctx_nodb (&ctx);
  X509V3_set_ctx (&ctx, issuer, certificate, NULL, NULL, 0);
  extension = X509V3_EXT_conf_nid (NULL, &ctx, nid, value);
  g_assert_nonnull (extension);
  X509_add_ext (certificate, extension, -1);
  X509_EXTENSION_free (extension);
}

/* A P-256 certificate for @cn, signed by @issuer (or by itself) */
static Pair
make_certificate (const char *cn,
                  const char *san,
                  Pair       *issuer,
                  gboolean    ca)
{
  Pair pair = { X509_new (), EVP_EC_gen ("P-256") };
  X509_NAME *name = X509_NAME_new ();
  static long serial = 1;

  g_assert_nonnull (pair.key);
  X509_set_version (pair.certificate, 2);
  ASN1_INTEGER_set (X509_get_serialNumber (pair.certificate), serial++);
  X509_gmtime_adj (X509_getm_notBefore (pair.certificate), -3600);
  X509_gmtime_adj (X509_getm_notAfter (pair.certificate), 30L * 24 * 3600);
  X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const unsigned char *) cn, -1, -1, 0);
  X509_set_subject_name (pair.certificate, name);
  X509_set_issuer_name (pair.certificate, issuer != NULL ? X509_get_subject_name (issuer->certificate) : name);
  X509_set_pubkey (pair.certificate, pair.key);
  if (san != NULL)
    add_extension (pair.certificate, issuer != NULL ? issuer->certificate : pair.certificate, NID_subject_alt_name, san);
  if (ca)
    add_extension (pair.certificate, pair.certificate, NID_basic_constraints, "critical,CA:TRUE");
  else
    add_extension (pair.certificate, issuer != NULL ? issuer->certificate : pair.certificate, NID_ext_key_usage, "serverAuth");
  g_assert_cmpint (X509_sign (pair.certificate, issuer != NULL ? issuer->key : pair.key, EVP_sha256 ()), >, 0);
  X509_NAME_free (name);
  return pair;
}

static char *
pem_of (Pair *pair)
{
  g_autoptr(BIO) bio = BIO_new (BIO_s_mem ());
  char *data = NULL;
  long length;

  PEM_write_bio_X509 (bio, pair->certificate);
  PEM_write_bio_PrivateKey (bio, pair->key, NULL, NULL, 0, NULL, NULL);
  length = BIO_get_mem_data (bio, &data);
  return g_strndup (data, length);
}

static GTlsCertificate *
tls_certificate_for (const char *cn,
                     const char *san,
                     const char *issuer_cn)
{
  Pair ca = { NULL, NULL };
  Pair leaf;
  g_autofree char *pem = NULL;
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate;

  if (issuer_cn != NULL)
    ca = make_certificate (issuer_cn, NULL, NULL, TRUE);
  leaf = make_certificate (cn, san, issuer_cn != NULL ? &ca : NULL, FALSE);
  pem = pem_of (&leaf);
  certificate = g_tls_certificate_new_from_pem (pem, -1, &error);
  g_assert_no_error (error);
  pair_clear (&leaf);
  pair_clear (&ca);
  return certificate;
}

/* ---- the server ------------------------------------------------------------ */

static void
request_cb (SoupServer        *server,
            SoupServerMessage *message,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  TestServer *self = user_data;
  SoupMessageHeaders *request = soup_server_message_get_request_headers (message);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (message);
  static const char page[] = "<!DOCTYPE html><title>Welcome</title><p>It works.</p>";

  g_mutex_lock (&self->mutex);
  g_free (self->method);
  g_free (self->path);
  g_free (self->connection_id);
  g_free (self->user_agent);
  self->method = g_strdup (soup_server_message_get_method (message));
  self->path = g_strdup (path);
  self->connection_id = g_strdup (soup_message_headers_get_one (request, "RDG-Connection-Id"));
  self->user_agent = g_strdup (soup_message_headers_get_one (request, "User-Agent"));
  g_mutex_unlock (&self->mutex);

  switch (self->mode)
    {
    case MODE_GATEWAY:
      soup_message_headers_replace (response, "Server", "Microsoft-HTTPAPI/2.0");
      if (g_str_equal (soup_server_message_get_method (message), "RDG_OUT_DATA") &&
          g_str_equal (path, "/remoteDesktopGateway/"))
        {
          soup_message_headers_append (response, "WWW-Authenticate", "Negotiate");
          soup_message_headers_append (response, "WWW-Authenticate", "NTLM");
          soup_server_message_set_status (message, SOUP_STATUS_UNAUTHORIZED, NULL);
        }
      else
        {
          soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
        }
      break;
    case MODE_WEB:
      soup_message_headers_replace (response, "Server", "nginx");
      soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (message, "text/html", SOUP_MEMORY_STATIC, page, strlen (page));
      break;
    case MODE_REDIRECT:
      soup_message_headers_replace (response, "Location", "https://login.example/authorize");
      soup_server_message_set_status (message, SOUP_STATUS_FOUND, NULL);
      break;
    default:
      g_assert_not_reached ();
    }
}

static gpointer
server_thread (gpointer data)
{
  TestServer *self = data;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (self->context);
  server = soup_server_new ("tls-certificate", self->certificate, NULL);
  soup_server_add_handler (server, NULL, request_cb, self, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);

  g_mutex_lock (&self->mutex);
  self->port = (guint16) g_uri_get_port (uris->data);
  self->ready = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (self->loop);

  /* Connections the client has closed go away once their end is read. */
  soup_server_disconnect (server);
  g_clear_object (&server);
  {
    gint64 until = g_get_monotonic_time () + 200 * G_TIME_SPAN_MILLISECOND;

    while (g_get_monotonic_time () < until)
      if (!g_main_context_iteration (self->context, FALSE))
        g_usleep (5 * G_TIME_SPAN_MILLISECOND);
  }
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

static TestServer *
test_server_start (Mode             mode,
                   GTlsCertificate *certificate)
{
  TestServer *self = g_new0 (TestServer, 1);

  self->mode = mode;
  self->certificate = certificate;
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->thread = g_thread_new ("test-gateway-server", server_thread, self);

  g_mutex_lock (&self->mutex);
  while (!self->ready)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);
  return self;
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_server_stop (TestServer *self)
{
  g_main_context_invoke (self->context, quit_cb, self->loop);
  g_thread_join (self->thread);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_object_unref (self->certificate);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self->method);
  g_free (self->path);
  g_free (self->connection_id);
  g_free (self->user_agent);
  g_free (self);
}

/* A loopback port with nothing behind it: bound, then closed. */
static guint16
closed_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  g_socket_close (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* ---- running the check ------------------------------------------------------ */

static RdCheckResult *
run_gateway_check (const char   *gateway,
                   guint         deadline_ms,
                   GCancellable *cancellable)
{
  g_autoptr(RdTarget) target = rd_target_parse ("192.0.2.10", RD_DEFAULT_RDP_PORT, NULL);
  g_autoptr(GHashTable) options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) g_variant_unref);
  g_autoptr(RdCheckContext) context = NULL;
  g_autoptr(RdCheck) check = rd_gateway_check_new ();

  if (gateway != NULL)
    g_hash_table_insert (options, g_strdup (RD_OPTION_GATEWAY), g_variant_ref_sink (g_variant_new_string (gateway)));
  context = rd_check_context_new (target, g_get_monotonic_time () + deadline_ms * G_TIME_SPAN_MILLISECOND,
                                  options, NULL);
  return rd_check_run (check, context, cancellable);
}

static RdDiagnosis *
diagnose (RdCheckResult *gateway,
          const char    *other_json)
{
  g_autoptr(RdTarget) target = rd_target_parse ("192.0.2.10", RD_DEFAULT_RDP_PORT, NULL);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);

  if (other_json != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;

      json_parser_load_from_data (parser, other_json, -1, &error);
      g_assert_no_error (error);
      g_ptr_array_add (results, rd_check_result_new_from_json (json_node_get_object (json_parser_get_root (parser)), &error));
      g_assert_no_error (error);
    }
  g_ptr_array_add (results, g_object_ref (gateway));
  return rd_diagnosis_new (target, results, rd_catalog_get_default ());
}

static const char *
top_id (RdDiagnosis *diagnosis)
{
  RdCause *top = rd_diagnosis_get_top_cause (diagnosis);
  return top != NULL ? rd_cause_get_id (top) : NULL;
}

static gboolean
has_cause (RdDiagnosis *diagnosis,
           const char  *cause_id)
{
  GPtrArray *causes = rd_diagnosis_get_causes (diagnosis);

  for (guint i = 0; i < causes->len; i++)
    if (g_strcmp0 (rd_cause_get_id (g_ptr_array_index (causes, i)), cause_id) == 0)
      return TRUE;
  return FALSE;
}

static JsonObject *
member_object (RdCheckResult *result,
               const char    *name)
{
  JsonObject *evidence = rd_check_result_get_evidence (result);

  g_assert_true (json_object_has_member (evidence, name));
  return json_object_get_object_member (evidence, name);
}

/* ---- tests -------------------------------------------------------------------- */

static void
test_good_gateway (void)
{
  TestServer *server = test_server_start (MODE_GATEWAY, tls_certificate_for ("localhost", "DNS:localhost,IP:127.0.0.1", NULL));
  g_autofree char *where = g_strdup_printf ("localhost:%u", server->port);
  g_autoptr(RdCheckResult) result = run_gateway_check (where, 5000, NULL);
  g_autoptr(RdDiagnosis) diagnosis = diagnose (result, NULL);
  JsonObject *evidence = rd_check_result_get_evidence (result);
  JsonObject *http = member_object (result, "http");
  JsonObject *about = member_object (result, "gateway");
  JsonArray *schemes = json_object_get_array_member (http, "schemes");

  g_test_message ("%s", rd_check_result_get_summary (result));
  g_assert_cmpint (rd_check_result_get_status (result), ==, RD_CHECK_STATUS_PASS);
  g_assert_cmpstr (json_object_get_string_member (about, "host"), ==, "localhost");
  g_assert_cmpint (json_object_get_int_member (about, "port"), ==, server->port);
  g_assert_cmpstr (json_object_get_string_member (evidence, "tcp_state"), ==, "open");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (evidence, "addresses")), >=, 1);
  g_assert_true (json_object_get_boolean_member (evidence, "names_gateway"));
  g_assert_true (json_object_get_boolean_member (evidence, "is_rd_gateway"));
  g_assert_true (json_object_get_null_member (evidence, "tls_inspection"));
  g_assert_cmpstr (json_object_get_string_member (member_object (result, "certificate"), "subject_cn"), ==, "localhost");
  g_assert_cmpint (json_object_get_int_member (http, "status"), ==, 401);
  g_assert_cmpuint (json_array_get_length (schemes), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (schemes, 0), ==, "Negotiate");
  g_assert_cmpstr (json_array_get_string_element (schemes, 1), ==, "NTLM");
  g_assert_cmpstr (json_object_get_string_member (http, "server"), ==, "Microsoft-HTTPAPI/2.0");
  g_assert_true (json_object_get_null_member (http, "location"));
  g_assert_false (json_object_get_boolean_member (http, "redirect"));
  g_assert_cmpstr (json_object_get_string_member (http, "version"), ==, "1.1");

  /* the request was the MS-TSGU OUT channel's */
  g_assert_cmpstr (server->method, ==, "RDG_OUT_DATA");
  g_assert_cmpstr (server->path, ==, "/remoteDesktopGateway/");
  g_assert_cmpstr (server->user_agent, ==, "MS-RDGateway/1.0");
  g_assert_nonnull (server->connection_id);
  g_assert_cmpuint (strlen (server->connection_id), ==, 38);
  g_assert_true (server->connection_id[0] == '{' && server->connection_id[37] == '}');
  {
    g_autofree char *guid = g_strndup (server->connection_id + 1, 36);
    g_assert_true (g_uuid_string_is_valid (guid));
  }

  /* a working gateway is no cause */
  g_assert_null (top_id (diagnosis));
  g_assert_false (rd_diagnosis_found_problems (diagnosis));
  test_server_stop (server);
}

static void
test_web_server (void)
{
  TestServer *server = test_server_start (MODE_WEB, tls_certificate_for ("localhost", "DNS:localhost,IP:127.0.0.1", NULL));
  g_autofree char *where = g_strdup_printf ("127.0.0.1:%u", server->port);
  g_autoptr(RdCheckResult) result = run_gateway_check (where, 5000, NULL);
  g_autoptr(RdDiagnosis) diagnosis = diagnose (result, NULL);
  JsonObject *evidence = rd_check_result_get_evidence (result);
  JsonObject *http = member_object (result, "http");

  g_test_message ("%s", rd_check_result_get_summary (result));
  g_assert_cmpint (rd_check_result_get_status (result), ==, RD_CHECK_STATUS_FAIL);
  g_assert_false (json_object_get_boolean_member (evidence, "is_rd_gateway"));
  g_assert_cmpstr (json_object_get_string_member (evidence, "failure"), ==, "http");
  g_assert_cmpint (json_object_get_int_member (http, "status"), ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (http, "schemes")), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (http, "server"), ==, "nginx");
  g_assert_cmpstr (top_id (diagnosis), ==, "gateway-misconfigured");
  g_assert_true (rd_diagnosis_found_problems (diagnosis));
  test_server_stop (server);
}

static void
test_redirect (void)
{
  TestServer *server = test_server_start (MODE_REDIRECT, tls_certificate_for ("localhost", "DNS:localhost,IP:127.0.0.1", NULL));
  g_autofree char *where = g_strdup_printf ("127.0.0.1:%u", server->port);
  g_autoptr(RdCheckResult) result = run_gateway_check (where, 5000, NULL);
  g_autoptr(RdDiagnosis) diagnosis = diagnose (result, NULL);
  JsonObject *http = member_object (result, "http");

  g_test_message ("%s", rd_check_result_get_summary (result));
  g_assert_cmpint (rd_check_result_get_status (result), ==, RD_CHECK_STATUS_FAIL);
  g_assert_cmpint (json_object_get_int_member (http, "status"), ==, 302);
  g_assert_true (json_object_get_boolean_member (http, "redirect"));
  g_assert_cmpstr (json_object_get_string_member (http, "location"), ==, "https://login.example/authorize");
  g_assert_cmpstr (top_id (diagnosis), ==, "gateway-misconfigured");
  test_server_stop (server);
}

static void
test_wrong_name (void)
{
  TestServer *server = test_server_start (MODE_GATEWAY, tls_certificate_for ("wrong.example", "DNS:wrong.example", NULL));
  g_autofree char *where = g_strdup_printf ("localhost:%u", server->port);
  g_autoptr(RdCheckResult) result = run_gateway_check (where, 5000, NULL);
  g_autoptr(RdDiagnosis) diagnosis = diagnose (result, NULL);
  JsonObject *evidence = rd_check_result_get_evidence (result);

  g_test_message ("%s", rd_check_result_get_summary (result));
  g_assert_cmpint (rd_check_result_get_status (result), ==, RD_CHECK_STATUS_WARN);
  g_assert_true (json_object_get_boolean_member (evidence, "is_rd_gateway"));
  g_assert_false (json_object_get_boolean_member (evidence, "names_gateway"));
  g_assert_cmpstr (top_id (diagnosis), ==, "gateway-cert-mismatch");
  test_server_stop (server);
}

static void
test_inspecting_proxy (void)
{
  TestServer *server = test_server_start (MODE_GATEWAY, tls_certificate_for ("localhost", "DNS:localhost", "Zscaler Root CA"));
  g_autofree char *where = g_strdup_printf ("localhost:%u", server->port);
  g_autoptr(RdCheckResult) result = run_gateway_check (where, 5000, NULL);
  g_autoptr(RdDiagnosis) diagnosis = diagnose (result, NULL);
  JsonObject *evidence = rd_check_result_get_evidence (result);

  g_test_message ("%s", rd_check_result_get_summary (result));
  g_assert_cmpint (rd_check_result_get_status (result), ==, RD_CHECK_STATUS_WARN);
  g_assert_true (json_object_get_boolean_member (evidence, "names_gateway"));
  g_assert_cmpstr (json_object_get_string_member (evidence, "tls_inspection"), ==, "Zscaler");
  g_assert_cmpstr (top_id (diagnosis), ==, "gateway-cert-mismatch");
  test_server_stop (server);
}

static void
test_closed_port (void)
{
  g_autofree char *where = g_strdup_printf ("127.0.0.1:%u", closed_port ());
  g_autoptr(RdCheckResult) result = run_gateway_check (where, 5000, NULL);
  g_autoptr(RdDiagnosis) diagnosis = diagnose (result, NULL);
  JsonObject *evidence = rd_check_result_get_evidence (result);

  g_assert_cmpint (rd_check_result_get_status (result), ==, RD_CHECK_STATUS_FAIL);
  g_assert_cmpstr (json_object_get_string_member (evidence, "tcp_state"), ==, "refused");
  g_assert_cmpstr (json_object_get_string_member (evidence, "failure"), ==, "tcp");
  g_assert_false (json_object_has_member (evidence, "http"));
  g_assert_cmpstr (top_id (diagnosis), ==, "gateway-unreachable");
}

/* A port that accepts connections (the kernel's backlog) and never speaks:
 * the verdict must still come before the deadline. */
static void
test_silent_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(RdCheckResult) result = NULL;
  g_autofree char *where = NULL;
  gint64 started;
  double elapsed_ms;

  g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
  g_assert_true (g_socket_listen (socket, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  where = g_strdup_printf ("127.0.0.1:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  started = g_get_monotonic_time ();
  result = run_gateway_check (where, 800, NULL);
  elapsed_ms = (g_get_monotonic_time () - started) / 1000.0;
  g_test_message ("%s after %.0f ms", rd_check_result_get_summary (result), elapsed_ms);
  g_assert_cmpfloat (elapsed_ms, <, 800.0);
  g_assert_cmpint (rd_check_result_get_status (result), ==, RD_CHECK_STATUS_FAIL);
  g_assert_cmpstr (json_object_get_string_member (rd_check_result_get_evidence (result), "failure"), ==, "tls");
}

static void
test_cancelled (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(RdCheckResult) result = NULL;
  TestServer *server = test_server_start (MODE_GATEWAY, tls_certificate_for ("localhost", "DNS:localhost", NULL));
  g_autofree char *where = g_strdup_printf ("127.0.0.1:%u", server->port);
  gint64 started = g_get_monotonic_time ();

  g_cancellable_cancel (cancellable);
  result = run_gateway_check (where, 5000, cancellable);
  g_assert_cmpint (rd_check_result_get_status (result), ==, RD_CHECK_STATUS_ERROR);
  g_assert_cmpint (g_get_monotonic_time () - started, <, G_USEC_PER_SEC);
  test_server_stop (server);
}

static void
test_not_given (void)
{
  g_autoptr(RdCheckResult) result = run_gateway_check (NULL, 5000, NULL);
  g_autoptr(RdDiagnosis) diagnosis = diagnose (result, NULL);

  g_assert_cmpint (rd_check_result_get_status (result), ==, RD_CHECK_STATUS_SKIPPED);
  g_assert_cmpstr (json_object_get_string_member (rd_check_result_get_evidence (result), "reason"), ==, "no-gateway");
  g_assert_null (top_id (diagnosis));
}

static void
test_invalid (void)
{
  g_autoptr(RdCheckResult) result = run_gateway_check ("bad gateway!", 5000, NULL);

  g_assert_cmpint (rd_check_result_get_status (result), ==, RD_CHECK_STATUS_ERROR);
  g_assert_cmpstr (json_object_get_string_member (rd_check_result_get_evidence (result), "reason"), ==, "invalid-gateway");
  g_assert_nonnull (strstr (rd_check_result_get_summary (result), "bad gateway!"));
}

/* Through a working gateway, the remote computer itself need not be reachable
 * from here: the direct path's verdict is ruled out. */
static void
test_gateway_rules_out_direct_path (void)
{
  TestServer *server = test_server_start (MODE_GATEWAY, tls_certificate_for ("localhost", "DNS:localhost", NULL));
  g_autofree char *where = g_strdup_printf ("localhost:%u", server->port);
  g_autoptr(RdCheckResult) result = run_gateway_check (where, 5000, NULL);
  g_autoptr(RdDiagnosis) diagnosis = diagnose (result, "{\"id\":\"tcp\",\"status\":\"fail\",\"summary\":\"s\",\"evidence\":{\"port\":3389,\"state\":\"timeout\"}}");
  g_autofree char *closed = g_strdup_printf ("127.0.0.1:%u", closed_port ());
  g_autoptr(RdCheckResult) down = NULL;
  g_autoptr(RdDiagnosis) without = NULL;

  g_assert_cmpint (rd_check_result_get_status (result), ==, RD_CHECK_STATUS_PASS);
  g_assert_false (has_cause (diagnosis, "port-filtered"));
  g_assert_false (has_cause (diagnosis, "gateway-unreachable"));
  test_server_stop (server);

  /* a gateway that does not work rules nothing out */
  down = run_gateway_check (closed, 5000, NULL);
  without = diagnose (down, "{\"id\":\"tcp\",\"status\":\"fail\",\"summary\":\"s\",\"evidence\":{\"port\":3389,\"state\":\"timeout\"}}");
  g_assert_cmpstr (top_id (without), ==, "gateway-unreachable");
  g_assert_true (has_cause (without, "port-filtered"));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  /* as the CLI does: RD Gateway clients speak HTTP/1.1 */
  g_setenv ("SOUP_FORCE_HTTP1", "1", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/Engine/Gateway/good", test_good_gateway);
  g_test_add_func ("/Engine/Gateway/web-server", test_web_server);
  g_test_add_func ("/Engine/Gateway/redirect", test_redirect);
  g_test_add_func ("/Engine/Gateway/wrong-name", test_wrong_name);
  g_test_add_func ("/Engine/Gateway/inspecting-proxy", test_inspecting_proxy);
  g_test_add_func ("/Engine/Gateway/closed-port", test_closed_port);
  g_test_add_func ("/Engine/Gateway/silent-port", test_silent_port);
  g_test_add_func ("/Engine/Gateway/cancelled", test_cancelled);
  g_test_add_func ("/Engine/Gateway/not-given", test_not_given);
  g_test_add_func ("/Engine/Gateway/invalid", test_invalid);
  g_test_add_func ("/Engine/Gateway/rules-out-direct-path", test_gateway_rules_out_direct_path);
  return g_test_run ();
}
